/**
 * limitYoungGeneration() as a side effect, for a process entry to import
 * first: before the other modules of the bundle run, since the new space
 * never shrinks back once their start-up has grown it.
 */
import { limitYoungGeneration } from './young-generation';

limitYoungGeneration();
