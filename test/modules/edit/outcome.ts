/**
 * What the oracle table compares: a module call's result and the file it
 * left, in the table's terms. modules.test.ts uses it on the local
 * transport, test/system/modules-fleet.test.ts on real sshd hosts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ModuleResult } from '../../../src/model/index.js';
import { loadModules, getModule } from '../../../src/modules/index.js';
import type { OracleRow, Outcome } from './oracle-table.js';

// Every module's code, so the synchronous loader and validate can check args (a run loads only what it names).
await loadModules();

export function seen(r: ModuleResult, file: string): Outcome {
  const exists = fs.existsSync(file);
  return {
    changed: Boolean(r.changed),
    failed: Boolean(r.failed),
    msg: String(r.msg ?? '').split(file).join('{path}'),
    ...(r.rc === undefined ? {} : { rc: r.rc }),
    ...(r.found === undefined ? {} : { found: r.found as number }),
    backup: Boolean(r.backup || r.backup_file),
    warned: Array.isArray(r.warnings) && r.warnings.length > 0,
    after: exists ? fs.readFileSync(file, 'utf8') : null,
    mode: exists ? (fs.statSync(file).mode & 0o7777).toString(8).padStart(4, '0') : null,
  };
}

/** The row's file (`dir/target`, 0644) as the row starts it, or none; its path. */
export function setUpRow(row: Pick<OracleRow, 'before'>, dir: string): string {
  const file = path.join(dir, 'target');
  if (row.before !== null) {
    fs.writeFileSync(file, row.before);
    fs.chmodSync(file, 0o644);
  }
  return file;
}

/** The load-time check's complaint about these args, if any. */
export function loadError(module: string, args: Record<string, unknown>): string | undefined {
  try {
    getModule(module)!.validate!(args, { file: 'play.yml', line: 1, col: 1 });
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
