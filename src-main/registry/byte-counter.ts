/** The one byte-counting stream: for upload progress, layout writes, and layer saves. */
import { Transform } from 'node:stream';

/** Passes bytes through unchanged, reporting the running total after each chunk. */
export function byteCounter(onBytes: (total: number) => void): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      onBytes(total);
      callback(null, chunk);
    },
  });
}
