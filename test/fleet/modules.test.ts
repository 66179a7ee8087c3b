/**
 * The module case tables (test/modules/tables/) against a real OpenSSH
 * host of the fleet: the same checks as on the local transport and the
 * in-process SSH server (check mode, the run, a second run, files left,
 * commands spent), each case on its own root directory.
 */
import type { Files } from '../helpers/run.js';
import { runCases, type Case } from '../modules/cases.js';
import * as command from '../modules/tables/command.js';
import * as script from '../modules/tables/script.js';
import * as transfer from '../modules/tables/transfer.js';
import * as find from '../modules/tables/find.js';
import * as assemble from '../modules/tables/assemble.js';
import * as unarchive from '../modules/tables/unarchive.js';

const TABLES: Array<{ CASES: Case[]; PROJECT?: Files }> = [command, script, transfer, find, assemble, unarchive];
for (const table of TABLES) runCases(table.CASES, 'fleet', table.PROJECT);
