/**
 * Runs the text-edit cases through ansible-core 2.14 (one playbook with a
 * task per case and one more in check mode on a copy; then a second
 * playbook running each case again on the file the first left) and records
 * what it did: the file afterwards, its mode, and the result. `node --import tsx
 * test/system/edit-oracle.ts` rewrites test/modules/edit/oracle.json; the system test calls
 * runOracle() and compares it with that file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES, type EditCase } from '../modules/edit/cases.js';
import { ORACLE_FILE, type OracleRow, type Outcome } from '../modules/edit/oracle-table.js';
import { localInventory, runAnsible } from './oracle.js';

interface Raw {
  changed?: boolean; failed?: boolean; msg?: string; rc?: number; found?: number;
  backup?: string; backup_file?: string; warnings?: string[];
}

export async function runOracle(cases: EditCase[] = CASES): Promise<OracleRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-edit-oracle-'));
  try {
    const file = (i: number, kind: string) => path.join(dir, kind, `case-${i}`);
    fs.mkdirSync(path.join(dir, 'run'));
    fs.mkdirSync(path.join(dir, 'check'));
    fs.writeFileSync(path.join(dir, 'inventory.ini'), localInventory());
    const task = (c: EditCase, i: number, kind: string) => ({
      name: `${kind} ${i}`,
      [`ansible.builtin.${c.module}`]: { ...c.args, path: file(i, kind === 'again' ? 'run' : kind) },
      check_mode: kind === 'check',
      ignore_errors: true,
    });
    cases.forEach((c, i) => {
      for (const kind of ['check', 'run']) {
        if (c.before === null) continue;
        fs.writeFileSync(file(i, kind), c.before);
        fs.chmodSync(file(i, kind), 0o644);
      }
    });
    // Check mode and the run first; the files the run left are read before a second playbook runs each case again.
    const first = await playbook(dir, cases.flatMap((c, i) => [task(c, i, 'check'), task(c, i, 'run')]));
    const rows = cases.map((c, i) => ({
      ...c,
      run: outcome(first.get(`run ${i}`), file(i, 'run')),
      check: outcome(first.get(`check ${i}`), file(i, 'check')),
    }));
    const second = await playbook(dir, cases.map((c, i) => task(c, i, 'again')));
    return rows.map((row, i) => ({ ...row, again: outcome(second.get(`again ${i}`), file(i, 'run')) }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs one playbook of these tasks on localhost; what each did by task name (a skipped task gives none). */
async function playbook(dir: string, tasks: unknown[]): Promise<Map<string, Raw>> {
  fs.writeFileSync(path.join(dir, 'play.yml'), JSON.stringify([{ hosts: 'localhost', gather_facts: false, tasks }]));
  const run = await runAnsible({ dir }, { playbook: 'play.yml' });
  const out = new Map<string, Raw>();
  for (const [name, seen] of run.tasks) {
    if (seen.status !== 'skipped') out.set(name, { ...seen.result, failed: seen.status === 'failed' });
  }
  return out;
}

function outcome(r: Raw | undefined, file: string): Outcome {
  if (!r) throw new Error(`no result for ${file}`);
  const exists = fs.existsSync(file);
  return {
    changed: Boolean(r.changed),
    failed: Boolean(r.failed),
    msg: (r.msg ?? '').split(file).join('{path}'),
    ...(r.rc === undefined ? {} : { rc: r.rc }),
    ...(r.found === undefined ? {} : { found: r.found }),
    backup: Boolean(r.backup || r.backup_file),
    warned: (r.warnings ?? []).length > 0,
    after: exists ? fs.readFileSync(file, 'utf8') : null,
    mode: exists ? (fs.statSync(file).mode & 0o7777).toString(8).padStart(4, '0') : null,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rows = await runOracle();
  fs.writeFileSync(ORACLE_FILE, JSON.stringify(rows, null, 1) + '\n');
  console.log(`${rows.length} cases written to ${path.relative(process.cwd(), ORACLE_FILE)}`);
}
