/**
 * assemble through the engine, data-driven, on the local transport and
 * over SSH. The expected files are what ansible-core 2.14 wrote for the
 * same fragments (its controller-side assembly adds a newline after any
 * delimiter, its target-side one only after a delimiter lacking one).
 */
import { runCases } from './cases.js';
import { CASES, PROJECT } from './tables/assemble.js';

runCases(CASES, 'local', PROJECT);
runCases(CASES, 'ssh', PROJECT);
