/**
 * One playbook through both engines, for the module oracle tests
 * (services, packages): ansible-core 2.14 on the local connection, its
 * results read through our callback plugin, and playwatch's engine over
 * SSH to a fleet host (which is this same machine). Each run gives every
 * task's status and result by task name (the last host result wins) and
 * the recap.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Vars } from '../../src/model/index.js';
import { fleetDir, fleetHosts } from '../fleet/helpers.js';
import { makeProject, runIn, type Files } from '../helpers/run.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Seen {
  status: string;
  result: Record<string, any>;
}

export interface EngineRun {
  tasks: Map<string, Seen>;
  recap: Record<string, number>;
  log: string;
}

function recapOf(s: Record<string, number>): Record<string, number> {
  return { ok: s.ok, changed: s.changed, failed: s.failures ?? s.failed, skipped: s.skipped, unreachable: s.unreachable, rescued: s.rescued, ignored: s.ignored };
}

/** ansible-playbook on host `host` with the local connection. */
export function ansibleRun(files: Files, host: string, extraVars: Vars, check = false): EngineRun {
  const dir = makeProject({ ...files, 'inventory.ini': `${host} ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n` });
  const out = path.join(dir, 'events.jsonl');
  const res = spawnSync('ansible-playbook', ['-i', 'inventory.ini', 'site.yml', '-e', JSON.stringify(extraVars), ...(check ? ['--check'] : [])], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: {
      ...process.env,
      ANSIBLE_CALLBACK_PLUGINS: path.join(ROOT, 'ansible/callback'),
      ANSIBLE_CALLBACKS_ENABLED: 'playwatch',
      PLAYWATCH_CALLBACK_OUT: out,
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_RETRY_FILES_ENABLED: 'False',
      ANSIBLE_LOCALHOST_WARNING: 'False',
    },
  });
  if (res.error) throw new Error(`ansible-playbook could not run (install the Debian package ansible-core): ${res.error.message}`);
  const tasks = new Map<string, Seen>();
  let recap: Record<string, number> = {};
  const events = fs.existsSync(out) ? fs.readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
  for (const e of events) {
    if (e.type === 'stats') recap = recapOf(e.hosts[host] ?? {});
    else if (/^host\.(ok|failed|skipped)$/.test(e.type) && e.item === undefined) {
      const status = e.type === 'host.ok' ? (e.result.changed ? 'changed' : 'ok') : e.type.slice(5);
      tasks.set(e.task.name, { status, result: e.result });
    }
  }
  return { tasks, recap, log: res.stdout + res.stderr };
}

/** playwatch's engine on the fleet host `host` (from PLAYWATCH_FLEET_DIR's inventory) over SSH. */
export async function playwatchRun(files: Files, host: string, extraVars: Vars, check = false): Promise<EngineRun> {
  const h = fleetHosts().find((x) => x.name === host);
  if (!h) throw new Error(`fleet host ${host} not found in ${fleetDir}`);
  const vars = Object.entries(h.vars).map(([k, v]) => `${k}=${v}`).join(' ');
  const dir = makeProject({ ...files, 'inventory.ini': `${host} ${vars}\n` });
  const run = await runIn(dir, { extraVars, check });
  const tasks = new Map<string, Seen>();
  for (const e of run.events) {
    if (e.type === 'host.ok' && e.item === undefined) tasks.set(e.task.name ?? '', { status: e.changed ? 'changed' : 'ok', result: e.result });
    else if (e.type === 'host.failed' && e.item === undefined) tasks.set(e.task.name ?? '', { status: 'failed', result: e.result });
    else if (e.type === 'host.skipped' && e.item === undefined) tasks.set(e.task.name ?? '', { status: 'skipped', result: e.result ?? {} });
  }
  const end = run.of('run.end')[0];
  const stats = (end?.stats ?? {})[host] as unknown as Record<string, number> | undefined;
  return { tasks, recap: stats ? recapOf(stats) : {}, log: run.plain };
}

/** Each task's status, for comparing two runs at a glance. */
export function statuses(run: EngineRun): Record<string, string> {
  return Object.fromEntries([...run.tasks].map(([k, v]) => [k, v.status]));
}
