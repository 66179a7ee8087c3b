/**
 * command and shell through the engine, data-driven, on the local
 * transport and over SSH: chdir, creates/removes (checked in the same one
 * command that runs the program), stdin, executable, strip_empty_ends, and
 * ansible-core 2.14's partial check mode (only creates/removes are looked
 * at; without them the task is skipped). Result shapes as ansible-core's.
 */
import { runCases } from './cases.js';
import { CASES } from './tables/command.js';

runCases(CASES, 'local');
runCases(CASES, 'ssh');
