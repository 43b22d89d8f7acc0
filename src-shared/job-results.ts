/** Facts derived from a job's result, shared by main and the renderer. */
import type { JobResult } from './contract';

/** The folder a finished job wrote into, or undefined (a mirror writes to a registry). */
export function resultFolder(result: JobResult | undefined): string | undefined {
  if (!result) return undefined;
  switch (result.kind) {
    case 'saveLayers': {
      const file = result.files[0]?.path;
      return file ? file.replace(/[\\/][^\\/]*$/, '') : undefined;
    }
    case 'saveLayout':
    case 'extract':
      return result.path;
    case 'saveArchive':
      return result.path.replace(/[\\/][^\\/]*$/, '') || '/';
    case 'mirror':
    case 'mirrorRepository':
      return undefined;
  }
}
