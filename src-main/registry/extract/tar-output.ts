/**
 * Image.extract(): the flattened filesystem as one tar stream, like
 * go-containerregistry's mutate.Extract. Work starts when the stream is first
 * read and follows the reader's pace (tar-stream's pack applies backpressure
 * to each entry); destroying the stream stops the layer downloads.
 *
 * Walking layers newest first means a directory from a lower layer comes
 * after the entries an upper layer put inside it: extract with GNU tar's
 * `--delay-directory-restore`, or directory mtimes end up as the time of
 * extraction.
 *
 * The stream holds what the layers hold, normalised: unsafe names (`..`,
 * absolute) pass through as a tar would carry them, and it is the reader's
 * job to refuse them, as extractToDirectory() does.
 *
 * Hidden files a later hard link of their layer may need (see flatten.ts)
 * are kept in a private directory under the system temp dir while their
 * layer is read, and removed when it ends.
 */
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { makeTemporaryFolder } from '../disk/temporary';
import type { Image } from '../image';
import type { CallOptions } from '../types';
import type { FlatEntry, FlatHeader } from './entry';
import { flattenImage } from './flatten';
import { directKeptFileIo, HiddenStore } from './hidden-store';

export function extractImage(image: Image, opts: CallOptions = {}): Readable {
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  const pack = tar.pack();
  let started = false;

  const output = new Readable({
    read() {
      if (!started) {
        started = true;
        void produce(image, pack, signal);
      }
      pack.resume();
    },
    destroy(err, callback) {
      // The reader gave up (or failed): stop downloading and parsing.
      stop.abort(err ?? new Error('The tar stream was closed before its end'));
      pack.destroy();
      callback(err);
    },
  });
  pack.on('data', (chunk) => {
    if (!output.push(chunk)) pack.pause();
  });
  pack.on('end', () => output.push(null));
  pack.on('error', (err: Error) => output.destroy(err));
  return output;
}

async function produce(image: Image, pack: tar.Pack, signal: AbortSignal): Promise<void> {
  const hidden = new HiddenStore(() => makeTemporaryFolder(join(tmpdir(), 'lading-extract-hidden')), directKeptFileIo(signal));
  try {
    for await (const item of flattenImage(image, { signal, keepHidden: true })) {
      switch (item.kind) {
        case 'entry':
          await writeEntry(pack, item);
          break;
        case 'hidden':
          await hidden.keep(item);
          break;
        case 'from-hidden': {
          // The link's name takes the hidden file's content, as a plain file.
          const kept = hidden.take(item.header.linkname ?? '');
          if (!kept) break;
          const body = createReadStream(kept.path);
          try {
            await writeEntry(pack, { kind: 'entry', header: { ...kept.header, name: item.header.name }, body });
          } finally {
            body.destroy();
            await rm(kept.path, { force: true });
          }
          break;
        }
        case 'layer-end':
          await hidden.endLayer();
          break;
      }
    }
    pack.finalize();
  } catch (err) {
    pack.destroy((signal.aborted ? signal.reason : err) as Error);
  } finally {
    await hidden.dispose().catch(() => undefined);
  }
}

function tarHeader(header: FlatHeader): tar.Header {
  return {
    name: header.name === '.' ? './' : header.name,
    type: header.type,
    mode: header.mode,
    uid: header.uid,
    gid: header.gid,
    uname: header.uname ?? '',
    gname: header.gname ?? '',
    mtime: header.mtime,
    size: header.size,
    linkname: header.linkname ?? '',
    devmajor: header.devmajor ?? 0,
    devminor: header.devminor ?? 0,
  };
}

async function writeEntry(pack: tar.Pack, entry: FlatEntry): Promise<void> {
  let settle: (err?: Error | null) => void = () => undefined;
  const written = new Promise<void>((resolve, reject) => {
    settle = (err) => (err ? reject(err) : resolve());
  });
  // Observed at once: an early failure below must not leave this rejection unhandled.
  written.catch(() => undefined);
  const sink = pack.entry(tarHeader(entry.header), (err) => settle(err));
  // A destroyed pack destroys the sink with its error; that error reaches us through the callback.
  sink.on('error', () => undefined);
  if (entry.body) {
    for await (const chunk of entry.body) {
      if (!sink.write(chunk)) await drained(sink);
    }
  }
  sink.end(null); // streamx: null means "no last chunk"
  await written;
}

/** The part of tar-stream's entry sink (a streamx Writable) that backpressure needs. */
interface Drainable {
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}

function drained(sink: Drainable): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      sink.off('close', onClose);
      resolve();
    };
    const onClose = (): void => {
      sink.off('drain', onDrain);
      reject(new Error('The tar stream was closed'));
    };
    sink.once('drain', onDrain);
    sink.once('close', onClose);
  });
}
