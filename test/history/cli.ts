/** The history tests drive the real command line on a small local fixture, as a user (or a CI job) would. */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeProject } from '../helpers/run.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

export interface Ran {
  code: number | null;
  out: string;
  err: string;
}

const envFor = (cwd: string, env: Record<string, string> = {}) => ({ ...process.env, CI: 'true', ANSIBLE_CONFIG: '/nonexistent', HOME: cwd, ...env });

/** `playwatch <args>` from source in `cwd` (HOME there too: local hosts keep their lock in it). */
export function playwatch(cwd: string, args: string[], env: Record<string, string> = {}): Ran {
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, ...args], { cwd, encoding: 'utf8', env: envFor(cwd, env), timeout: 90_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The same, started in the background; `seen(re)` waits until stdout or stderr matches. */
export function startPlaywatch(cwd: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, ...args], { cwd, env: envFor(cwd, env) });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err += c));
  const ended = new Promise<Ran>((resolve) => child.on('close', (code) => resolve({ code, out, err })));
  const seen = async (re: RegExp, ms = 30_000) => {
    for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 50))) if (re.test(out) || re.test(err)) return;
    throw new Error(`not seen in ${ms} ms: ${re}\n--- stdout\n${out}\n--- stderr\n${err}`);
  };
  return { child, ended, seen, text: () => ({ out, err }) };
}

/**
 * Two local hosts and a role whose `nap` task sleeps `nap` seconds (`-e
 * nap=3` makes that one task slow), and then waits while the file `hold`
 * exists beside the playbook: a test holds a run in that task for as long
 * as it needs, however slow the machine.
 */
export const FIXTURE = {
  'inventory.ini': `[web]
web1
web2
[all:vars]
ansible_connection=local
playwatch_lock_path=~/.playwatch/lock
`,
  'site.yml': `
- hosts: web
  gather_facts: false
  roles: [app]
  tasks:
    - {name: quick, command: "true"}
    - {name: fails when asked, command: "{{ 'false' if break_on | default('') == inventory_hostname else 'true' }}"}
    - {name: quick, command: "true"}
`,
  'roles/app/tasks/main.yml': `
- {name: nap, shell: "sleep {{ nap | default(0.05) }}; while [ -e '{{ playbook_dir }}/hold' ]; do sleep 0.1; done"}
- {name: settle, command: "true"}
`,
};

export function fixtureProject(): string {
  return makeProject(FIXTURE);
}

/** The run directory the CLI named on stderr (`Run record: …/events.jsonl`). */
export function runDirOf(cwd: string, r: Ran): string {
  const m = /Run record: (.*)events\.jsonl/.exec(r.err);
  if (!m) throw new Error(`no run record named:\n${r.err}`);
  return path.resolve(cwd, m[1]!);
}

/** Holds runs in the `nap` task until `release()`. */
export function hold(project: string) {
  const file = path.join(project, 'hold');
  fs.writeFileSync(file, '');
  return { release: () => fs.rmSync(file, { force: true }) };
}

export const runsIn = (cwd: string) => path.join(cwd, '.playwatch/runs');
export const read = (p: string) => fs.readFileSync(p, 'utf8');
