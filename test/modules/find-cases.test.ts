/**
 * find through the engine, data-driven, on the local transport and over
 * SSH. The tree and the expected matches and `examined` counts are what
 * ansible-core 2.14's find returned for the same tree (hidden entries are
 * skipped by name only, so a hidden directory's files are still found).
 */
import { runCases } from './cases.js';
import { CASES } from './tables/find.js';

runCases(CASES, 'local');
runCases(CASES, 'ssh');
