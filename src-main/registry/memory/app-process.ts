/**
 * The memory opt-ins of a process that hosts the library for the app, as a
 * side effect, for its entry to import first: before the other modules of the
 * bundle run, since the new space never shrinks back once their start-up has
 * grown it, and before the first request compiles undici's parser.
 */
import { compileWasmBaselineOnly } from './wasm-baseline';
import { limitYoungGeneration } from './young-generation';

limitYoungGeneration();
compileWasmBaselineOnly();
