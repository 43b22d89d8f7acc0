/**
 * Showing a folder in the file manager from the web bridge. The bridge only
 * serves a browser on this same machine (127.0.0.1), so the folder is opened
 * here, with the platform's own opener. The path always comes from a finished
 * job's result (jobs.openFolder), never from the page.
 */
import { spawn } from 'node:child_process';
import { AppFailure } from '../app/errors';

function opener(platform: NodeJS.Platform): { command: string; args: (path: string) => string[]; install: string } {
  if (platform === 'darwin') return { command: 'open', args: (p) => [p], install: 'open (part of macOS)' };
  if (platform === 'win32') return { command: 'explorer.exe', args: (p) => [p], install: 'explorer.exe' };
  return { command: 'xdg-open', args: (p) => [p], install: 'xdg-utils (apt-get install xdg-utils)' };
}

export function openFolderWith(platform: NodeJS.Platform = process.platform) {
  const { command, args, install } = opener(platform);
  return (path: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const child = spawn(command, args(path), { detached: true, stdio: 'ignore' });
      child.once('error', (err: NodeJS.ErrnoException) => {
        reject(
          new AppFailure(
            'internal',
            err.code === 'ENOENT'
              ? `Cannot open folders here: ${command} is not installed (${install}); the folder is ${path}`
              : `Opening ${path} failed: ${err.message}`,
            { path },
          ),
        );
      });
      // The opener hands the folder to the file manager and may exit at once or live on: do not wait for it.
      child.once('spawn', () => {
        child.unref();
        resolve();
      });
    });
}
