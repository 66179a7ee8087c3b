/**
 * unarchive through the engine, data-driven, on the local transport and
 * over SSH: tar.gz, tar and zip archives from the controller or already on
 * the target, unpacked in one command that also decides (as ansible-core
 * 2.14 does, by `tar --diff` or the zip's contents) that a second run has
 * nothing to do; creates, list_files, exclude and mode. The result keys
 * are those ansible-core returned for the same archives.
 */
import { runCases } from './cases.js';
import { CASES } from './tables/unarchive.js';

runCases(CASES, 'local');
runCases(CASES, 'ssh');
