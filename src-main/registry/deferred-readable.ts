/**
 * A Readable whose source is made on its first read. `open` may load code
 * (a dynamic import) and start work, and neither happens for a stream that
 * nobody reads. Backpressure reaches the source; destroying this stream
 * destroys the source, with the same error.
 */
import { Readable } from 'node:stream';

export function deferredReadable(open: () => Promise<Readable>): Readable {
  let source: Readable | undefined;
  let opening = false;
  const output = new Readable({
    read() {
      if (source) {
        source.resume();
        return;
      }
      if (opening) return;
      opening = true;
      open().then(
        (opened) => {
          if (output.destroyed) {
            opened.destroy();
            return;
          }
          source = opened;
          opened.on('data', (chunk: Buffer) => {
            if (!output.push(chunk)) opened.pause();
          });
          opened.on('end', () => output.push(null));
          opened.on('error', (err) => output.destroy(err));
        },
        (err: unknown) => output.destroy(err as Error),
      );
    },
    destroy(err, callback) {
      source?.destroy(err ?? undefined);
      callback(err);
    },
  });
  return output;
}
