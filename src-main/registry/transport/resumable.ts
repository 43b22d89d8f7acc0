/**
 * A blob download that survives a dropped connection, as go-containerregistry's
 * `transport/resumable.go` does: when the body breaks after some bytes, the
 * blob is asked for again with `Range: bytes=<received>-`. A `206` whose
 * `Content-Range` starts at (or before) the bytes already passed on continues
 * where the first answer stopped; a `200` (a registry or CDN that ignores
 * Range) is read again from its start and its first `received` bytes are
 * dropped, so every byte goes downstream exactly once. Anything else, or a
 * `Content-Range` that does not fit the blob, fails with an error that says
 * so. The stream never ends short of the blob's size: an early end counts as
 * a drop, and after the last attempt the stream fails.
 *
 * The digest is not checked here: the VerifyingStream downstream hashes
 * exactly what this stream emits, so a server that sent other bytes the
 * second time fails the blob there.
 */
import { Readable } from 'node:stream';
import { errorCode, causeChain } from '../error-code';
import { ConnectionError, DigestMismatchError, RegistryError } from '../errors';
import type { BlobResume } from '../types';
import { discardBody, header, type HttpResponse } from './http';

/** How many times one blob download is picked up again after its connection broke. */
export const MAX_RESUMES = 3;

/** Failures of the body itself, after the headers: a broken or stalled connection, or an early end. */
const RESUMABLE_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

export function isResumableBodyError(err: unknown): boolean {
  if (err instanceof ShortBodyError) return true;
  for (const e of causeChain(err, 4)) if (RESUMABLE_CODES.has(errorCode(e) ?? '')) return true;
  return false;
}

/** A body that ended cleanly before the blob's size (chunked answers can). */
class ShortBodyError extends Error {
  override name = 'ShortBodyError';
}

export interface ResumableBodyOptions {
  digest: string;
  size: number;
  /** The first answer (a 200), its body unread. */
  first: HttpResponse;
  /** Sends the GET again with `Range: bytes=<offset>-` (authorized and retried like any request). */
  reopen(offset: number): Promise<HttpResponse>;
  /** Turns an answer with a status other than 200/206 into the error it means (reads its body). */
  reject(res: HttpResponse): Promise<never>;
  /** Turns a body failure into the error the caller sees (a ConnectionError). */
  describe(err: unknown, res: HttpResponse): Error;
  /** Words for messages, e.g. `blob sha256:... of host/repo`. */
  subject: string;
  maxResumes?: number;
  signal?: AbortSignal | undefined;
  onResume?: (event: BlobResume) => void;
}

type Body = HttpResponse['body'];

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+|\*)$/;

export function parseContentRange(value: string | undefined): { start: number; end: number; total?: number } | undefined {
  const m = value === undefined ? null : CONTENT_RANGE.exec(value.trim());
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = Number(m[2]);
  const total = m[3] === '*' ? undefined : Number(m[3]);
  if (end < start || (total !== undefined && end >= total)) return undefined;
  return { start, end, ...(total === undefined ? {} : { total }) };
}

/**
 * The blob's bytes, resumed after breaks. Backpressure reaches the socket;
 * destroying the stream destroys the current answer's body.
 */
export class ResumableBody extends Readable {
  private body: Body | undefined;
  private response: HttpResponse;
  private received = 0;
  /** Bytes of the current answer still to be dropped (they were passed on before the break). */
  private skip = 0;
  private resumes = 0;
  private readonly maxResumes: number;

  constructor(private readonly opts: ResumableBodyOptions) {
    super();
    this.maxResumes = opts.maxResumes ?? MAX_RESUMES;
    this.response = opts.first;
    this.attach(opts.first.body);
  }

  /** Bytes passed on so far. */
  get bytesReceived(): number {
    return this.received;
  }

  override _read(): void {
    this.body?.resume();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.detach();
    callback(err);
  }

  private attach(body: Body): void {
    this.body = body;
    body.on('data', (chunk: Buffer) => {
      if (this.body !== body) return;
      let data = chunk;
      if (this.skip > 0) {
        const dropped = Math.min(this.skip, data.length);
        this.skip -= dropped;
        data = data.subarray(dropped);
        if (data.length === 0) return;
      }
      this.received += data.length;
      if (!this.push(data)) body.pause();
    });
    body.on('end', () => {
      if (this.body !== body) return;
      if (this.received >= this.opts.size && this.skip === 0) {
        this.body = undefined;
        this.push(null);
      } else {
        this.recover(new ShortBodyError(`the answer ended after ${this.received} of ${this.opts.size} bytes`));
      }
    });
    body.on('error', (err) => {
      if (this.body === body) this.recover(err);
    });
  }

  /** Lets go of the current body: later events of it are ignored, and its error (undici's "aborted") is heard. */
  private detach(): void {
    const body = this.body;
    this.body = undefined;
    if (!body) return;
    body.on('error', () => undefined);
    if (!body.destroyed) body.destroy();
  }

  private recover(err: unknown): void {
    const broken = this.response;
    this.detach();
    if (this.destroyed) return;
    const { signal } = this.opts;
    if (signal?.aborted) {
      this.destroy(signal.reason as Error);
      return;
    }
    if (this.received === this.opts.size && this.skip === 0) {
      // Every byte arrived before the connection broke: the verifier downstream has the last word.
      this.push(null);
      return;
    }
    if (err instanceof RegistryError || !isResumableBodyError(err)) {
      this.destroy(this.opts.describe(err, broken));
      return;
    }
    if (this.resumes >= this.maxResumes) {
      this.destroy(this.gaveUp(err, broken));
      return;
    }
    this.resumes++;
    const offset = this.received;
    const reason = err instanceof ShortBodyError ? err.message : this.opts.describe(err, broken).message;
    this.reopen(offset).then(
      (restarted) => {
        this.opts.onResume?.({ digest: this.opts.digest, size: this.opts.size, offset, attempt: this.resumes, restarted, reason });
      },
      (failure: unknown) => {
        if (!this.destroyed) this.destroy((signal?.aborted ? signal.reason : failure) as Error);
      },
    );
  }

  /** Asks for the rest; resolves true when the registry sent the whole blob again (200) instead. */
  private async reopen(offset: number): Promise<boolean> {
    const res = await this.opts.reopen(offset);
    if (this.destroyed) {
      await discardBody(res);
      return false;
    }
    let skip: number;
    let restarted = false;
    if (res.status === 206) {
      skip = this.checkPartial(res, offset);
    } else if (res.status === 200) {
      const length = header(res, 'content-length');
      if (length !== undefined && Number(length) !== this.opts.size) {
        await discardBody(res);
        throw new RegistryError(
          `${this.opts.subject}: on resuming, the registry sent ${length} bytes from the start, but the blob is ${this.opts.size}`,
          { method: 'GET', url: res.url, status: res.status },
        );
      }
      skip = offset;
      restarted = true;
    } else {
      return this.opts.reject(res);
    }
    this.response = res;
    this.skip = skip;
    this.attach(res.body);
    return restarted;
  }

  /** A 206 must name this blob's bytes from `offset` on (or from before it: the overlap is dropped). */
  private checkPartial(res: HttpResponse, offset: number): number {
    const value = header(res, 'content-range');
    const range = parseContentRange(value);
    const problem = (what: string) => {
      void discardBody(res);
      return new RegistryError(
        `${this.opts.subject}: asked to resume at byte ${offset}, the registry answered 206 with ${what}; not using it`,
        { method: 'GET', url: res.url, status: res.status },
      );
    };
    if (!range) throw problem(value === undefined ? 'no Content-Range' : `an unreadable Content-Range "${value.slice(0, 100)}"`);
    if (range.total !== undefined && range.total !== this.opts.size) {
      throw problem(`Content-Range "${value}", which says the blob is ${range.total} bytes, not ${this.opts.size}`);
    }
    if (range.start > offset) throw problem(`Content-Range "${value}", which starts after the bytes received`);
    const length = header(res, 'content-length');
    if (length !== undefined && Number(length) !== range.end - range.start + 1) {
      throw problem(`Content-Range "${value}" but Content-Length ${length}`);
    }
    return offset - range.start;
  }

  /** The last break, said with how far the download got and how often it was resumed. */
  private gaveUp(err: unknown, res: HttpResponse): RegistryError {
    const attempts = `${this.maxResumes} resumed attempt${this.maxResumes === 1 ? '' : 's'}`;
    if (err instanceof ShortBodyError) {
      // As the verifier words a short blob, so a short answer reads the same with or without resumes.
      return new DigestMismatchError(
        `${this.opts.subject} ended after ${this.received} of ${this.opts.size} bytes (gave up after ${attempts})`,
        this.opts.digest,
        'unknown (too short)',
        { method: 'GET', url: res.url },
      );
    }
    const where = `${this.opts.subject}: gave up after ${attempts}, at byte ${this.received} of ${this.opts.size}`;
    const cause = this.opts.describe(err, res);
    const message = `${cause.message} (${where})`;
    return cause instanceof ConnectionError
      ? new ConnectionError(message, cause.code, { method: 'GET', url: res.url, cause: err })
      : new RegistryError(message, { method: 'GET', url: res.url, cause: err });
  }
}
