/**
 * slurp, fetch and tempfile through the engine, data-driven, on the local
 * transport and over SSH, with ansible-core 2.14's result keys: one
 * command each, fetch's `dest/<host>/<src>` and `flat` layouts on the
 * controller, an unchanged fetch moving no content.
 */
import { runCases } from './cases.js';
import { CASES } from './tables/transfer.js';

runCases(CASES, 'local');
runCases(CASES, 'ssh');
