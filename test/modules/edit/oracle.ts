/**
 * Runs the text-edit cases through ansible-core 2.14 (one playbook, one
 * task per case and one more in check mode on a copy) and records what it
 * did: the file afterwards, its mode, and the result. `node --import tsx
 * test/modules/edit/oracle.ts` rewrites oracle.json; the system test calls
 * runOracle() and compares it with that file.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES, type EditCase } from './cases.js';

export const ORACLE_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'oracle.json');

/** What one module call did, with the file's path written as `{path}`. */
export interface Outcome {
  changed: boolean;
  failed: boolean;
  msg: string;
  rc?: number;
  found?: number;
  /** A backup file was made. */
  backup: boolean;
  warned: boolean;
  /** The file afterwards (null: none). */
  after: string | null;
  /** Its permission bits, octal (null: none). */
  mode: string | null;
}

export interface OracleRow extends EditCase {
  run: Outcome;
  /** The same call in check mode on a copy of the file. */
  check: Outcome;
}

/** A stdout callback that prints every task's result, by task name, as one JSON object. */
const CALLBACK = `
import json
from ansible.plugins.callback import CallbackBase

class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'
    CALLBACK_NAME = 'results'

    def __init__(self):
        super().__init__()
        self.results = {}

    def v2_runner_on_ok(self, result):
        self.results[result._task.get_name()] = dict(result._result, failed=False)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self.results[result._task.get_name()] = dict(result._result, failed=True)

    def v2_playbook_on_stats(self, stats):
        self._display.display(json.dumps(self.results))
`;

interface Raw {
  changed?: boolean; failed?: boolean; msg?: string; rc?: number; found?: number;
  backup?: string; backup_file?: string; warnings?: string[];
}

export function runOracle(cases: EditCase[] = CASES): OracleRow[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-edit-oracle-'));
  try {
    const file = (i: number, kind: string) => path.join(dir, kind, `case-${i}`);
    fs.mkdirSync(path.join(dir, 'run'));
    fs.mkdirSync(path.join(dir, 'check'));
    const tasks: unknown[] = [];
    cases.forEach((c, i) => {
      for (const kind of ['run', 'check']) {
        if (c.before !== null) {
          fs.writeFileSync(file(i, kind), c.before);
          fs.chmodSync(file(i, kind), 0o644);
        }
        tasks.push({
          name: `${kind} ${i}`,
          [`ansible.builtin.${c.module}`]: { ...c.args, path: file(i, kind) },
          check_mode: kind === 'check',
          ignore_errors: true,
        });
      }
    });
    const playbook = path.join(dir, 'play.yml');
    fs.writeFileSync(playbook, JSON.stringify([{ hosts: 'localhost', gather_facts: false, tasks }]));
    fs.mkdirSync(path.join(dir, 'callbacks'));
    fs.writeFileSync(path.join(dir, 'callbacks', 'results.py'), CALLBACK);
    const run = spawnSync('ansible-playbook', ['-i', 'localhost,', '-c', 'local', playbook], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      env: { ...process.env, ANSIBLE_STDOUT_CALLBACK: 'results', ANSIBLE_CALLBACK_PLUGINS: path.join(dir, 'callbacks'), ANSIBLE_NOCOLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: 'false', ANSIBLE_PYTHON_INTERPRETER: 'auto_silent' },
    });
    if (run.error) throw new Error(`ansible-playbook could not run (install ansible-core): ${run.error.message}`);
    const start = run.stdout.indexOf('{');
    if (start < 0) throw new Error(`ansible-playbook failed: ${run.stdout}\n${run.stderr}`);
    const results = new Map<string, Raw>(Object.entries(JSON.parse(run.stdout.slice(start))));
    return cases.map((c, i) => ({
      ...c,
      run: outcome(results.get(`run ${i}`), file(i, 'run')),
      check: outcome(results.get(`check ${i}`), file(i, 'check')),
    }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
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
  const rows = runOracle();
  fs.writeFileSync(ORACLE_FILE, JSON.stringify(rows, null, 1) + '\n');
  console.log(`${rows.length} cases written to ${path.relative(process.cwd(), ORACLE_FILE)}`);
}
