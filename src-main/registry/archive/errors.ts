/** What cannot be put into an archive, said before anything is written. */
import { RegistryError } from '../errors';

export class ArchiveError extends RegistryError {
  override name = 'ArchiveError';
}
