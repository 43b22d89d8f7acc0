/**
 * Streaming a body into an open file: chunks are gathered to about 512 KiB per
 * write (tar chunks are small, and a system call each would dominate), and a
 * cancel is noticed between writes.
 */
import type { FileHandle } from 'node:fs/promises';

const WRITE_BATCH_BYTES = 512 * 1024;

/** Writes all of `body` and returns its length. */
export async function writeBody(
  handle: FileHandle,
  body: AsyncIterable<Buffer> | Iterable<Buffer> | undefined,
  signal?: AbortSignal,
): Promise<number> {
  let length = 0;
  let batch: Buffer[] = [];
  let batched = 0;
  for await (const chunk of body ?? []) {
    batch.push(chunk);
    batched += chunk.length;
    if (batched >= WRITE_BATCH_BYTES) {
      await writeAll(handle, batch, batched);
      length += batched;
      batch = [];
      batched = 0;
      if (signal?.aborted) throw signal.reason;
    }
  }
  if (batched > 0) {
    await writeAll(handle, batch, batched);
    length += batched;
  }
  return length;
}

async function writeAll(handle: FileHandle, chunks: Buffer[], length: number): Promise<void> {
  // writev: no copy into one buffer. A regular file may take less than asked
  // (a full disk reports its error on the next call): then write the rest.
  let { bytesWritten } = await handle.writev(chunks);
  if (bytesWritten === length) return;
  const rest = Buffer.concat(chunks, length);
  while (bytesWritten < length) {
    bytesWritten += (await handle.write(rest, bytesWritten, length - bytesWritten)).bytesWritten;
  }
}
