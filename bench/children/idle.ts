/** Loads the whole library and does nothing: the baseline peak RSS of a Lading child. */
import * as registry from '../../src-main/registry/index';
import { measure } from './report';

await measure(async () => ({ exports: Object.keys(registry).length }));
