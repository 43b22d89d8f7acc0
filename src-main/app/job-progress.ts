/**
 * A job's progress: per-blob entries summed into bytes done and total, sent
 * as `progress` events no more often than every `throttleMs` (the first at
 * once, the latest state always delivered). A blob's `done` never goes back,
 * even when an upload is restarted, so a progress bar never jumps backwards.
 */
import type { BlobProgressEntry, JobProgress, ResumeNote, TagsProgress } from '../../src-shared/contract';

/** Resumes kept per job: they are rare, and a job that keeps breaking says enough with these. */
const MAX_RESUME_NOTES = 20;

export type BlobState = BlobProgressEntry['state'];

export class JobProgressReporter {
  private readonly blobs = new Map<string, BlobProgressEntry>();
  /** When set, the total; otherwise the sum of the blobs' sizes. */
  private fixedTotal: number | undefined;
  /** When set, the bytes done; otherwise the sum of the blobs' (a repository mirror reports totals, not blobs). */
  private fixedDone: number | undefined;
  private readonly resumes: ResumeNote[] = [];
  private tags: TagsProgress | undefined;
  private lastEmit = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private dirty = false;
  private closed = false;

  constructor(
    private readonly emit: (progress: JobProgress) => void,
    private readonly throttleMs: number,
  ) {}

  /** Declares blobs up front (pending), so the total is known from the start. */
  addBlobs(blobs: readonly { digest: string; size: number }[]): void {
    for (const b of blobs) {
      if (!this.blobs.has(b.digest)) this.blobs.set(b.digest, { digest: b.digest, size: b.size, done: 0, state: 'pending' });
    }
    this.changed();
  }

  setTotal(total: number): void {
    if (this.fixedTotal === total) return;
    this.fixedTotal = total;
    this.changed();
  }

  /** Bytes done and in all, for a job that does not report blob by blob. */
  setBytes(done: number, total: number): void {
    this.fixedDone = done;
    this.fixedTotal = total;
    this.changed();
  }

  setTags(tags: TagsProgress): void {
    this.tags = tags;
    this.changed();
  }

  /** A download broke and went on from `offset` (the library's onResume). */
  noteResume(note: ResumeNote): void {
    if (this.resumes.length >= MAX_RESUME_NOTES) return;
    this.resumes.push({ digest: note.digest, size: note.size, offset: note.offset, attempt: note.attempt, restarted: note.restarted });
    this.changed();
  }

  update(digest: string, size: number, done: number, state: BlobState): void {
    const entry = this.blobs.get(digest) ?? { digest, size, done: 0, state: 'pending' as BlobState };
    entry.size = size;
    entry.done = Math.min(size, Math.max(entry.done, done));
    entry.state = state;
    if (state === 'done' || state === 'exists' || state === 'mounted') entry.done = size;
    this.blobs.set(digest, entry);
    this.changed();
  }

  /** Everything handled: each blob counts in full (used just before `done`). */
  complete(): void {
    for (const entry of this.blobs.values()) {
      entry.done = entry.size;
      if (entry.state === 'pending' || entry.state === 'running') entry.state = 'done';
    }
    if (this.fixedDone !== undefined) this.fixedDone = Math.max(this.fixedDone, this.fixedTotal ?? 0);
    this.dirty = true;
  }

  snapshot(): JobProgress {
    const blobs = [...this.blobs.values()].map((b) => ({ ...b }));
    const bytesDone = this.fixedDone ?? blobs.reduce((n, b) => n + b.done, 0);
    const sum = blobs.reduce((n, b) => n + b.size, 0);
    return {
      bytesDone,
      bytesTotal: Math.max(this.fixedTotal ?? sum, bytesDone),
      blobs,
      ...(this.resumes.length ? { resumes: this.resumes.map((r) => ({ ...r })) } : {}),
      ...(this.tags ? { tags: { ...this.tags, active: this.tags.active.map((t) => ({ ...t })) } } : {}),
    };
  }

  /** Sends what has not been sent yet, now. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.dirty || this.closed) return;
    this.dirty = false;
    this.lastEmit = Date.now();
    this.emit(this.snapshot());
  }

  /** No more events after this. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.closed = true;
  }

  private changed(): void {
    if (this.closed) return;
    this.dirty = true;
    if (this.timer) return;
    const wait = this.lastEmit + this.throttleMs - Date.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }
}
