/**
 * Which page may talk to main: the app's own renderer, loaded as the
 * top-level frame from dist/renderer/index.html (file://), or, in
 * development, from the Vite dev server's origin. Anything else (another
 * file, a remote page, a sub-frame, a frame already gone) is refused.
 */
import { pathToFileURL } from 'node:url';

/** The parts of Electron's WebFrameMain looked at. */
export interface FrameLike {
  readonly url: string;
  readonly parent: unknown;
}

export interface TrustOptions {
  /** Absolute path of the renderer's index.html. */
  indexPath: string;
  /** The dev server's URL (`http://localhost:5173`) when the renderer is served by Vite. */
  devServerUrl?: string | undefined;
}

export type SenderCheck = (frame: FrameLike | null | undefined) => boolean;

/** The URL without query and fragment. */
function withoutSearch(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

export function createSenderCheck(options: TrustOptions): SenderCheck {
  const index = withoutSearch(pathToFileURL(options.indexPath));
  const devOrigin = options.devServerUrl ? new URL(options.devServerUrl).origin : undefined;
  return (frame) => {
    if (!frame || frame.parent !== null) return false;
    let url: URL;
    try {
      url = new URL(frame.url);
    } catch {
      return false;
    }
    if (url.protocol === 'file:') return withoutSearch(url) === index;
    return devOrigin !== undefined && url.origin === devOrigin;
  };
}

/** Dev server URLs accepted from LADING_DEV_SERVER_URL: http on loopback only. */
export function parseDevServerUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return url.origin;
  } catch {
    // fall through
  }
  return undefined;
}

/** Links the app may hand to the system browser: https only, no credentials in the URL. */
export function isExternalLink(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && !url.username && !url.password;
  } catch {
    return false;
  }
}
