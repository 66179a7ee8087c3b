/**
 * Runs one playbook on ONE host of the test fleet (PLAYWATCH_FLEET_DIR,
 * `fleet.sh up`; `npm run test:system` starts it) through ansible-playbook
 * and through playwatch's engine, and reads each run the same way: every
 * task's result and status by task name, and the recap. For the modules
 * that change the machine itself (user, group, cron…): the fleet's hosts
 * are all this machine, so these tests use one host, unique names, and
 * clean up after each engine.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fleetDir, fleetHosts } from '../fleet/helpers.js';
import { runIn } from '../helpers/run.js';
import type { Transport } from '../../src/transport/types.js';

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
        self.results[result._task.get_name()] = dict(result._result, status='changed' if result._result.get('changed') else 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self.results[result._task.get_name()] = dict(result._result, status='failed')

    def v2_runner_on_skipped(self, result):
        self.results[result._task.get_name()] = dict(result._result, status='skipped')

    def v2_runner_on_unreachable(self, result):
        self.results[result._task.get_name()] = dict(result._result, status='unreachable')

    def v2_playbook_on_stats(self, stats):
        recap = {}
        for h in sorted(stats.processed.keys()):
            s = stats.summarize(h)
            recap[h] = dict(ok=s['ok'], changed=s['changed'], failed=s['failures'], skipped=s['skipped'], unreachable=s['unreachable'], ignored=s['ignored'], rescued=s['rescued'])
        self._display.display(json.dumps(dict(results=self.results, recap=recap)))
`;

export type Result = Record<string, unknown> & { status: string };

export interface EngineRun {
  results: Map<string, Result>;
  recap: Record<string, Record<string, number>>;
  /** ansible-playbook's output, or playwatch's plain output. */
  log: string;
  /** playwatch's commands on the host, in order (one per round trip). */
  execs?: string[];
}

export interface Project {
  dir: string;
  /** The fleet host the run targets. */
  host: string;
}

/** A project directory with `site.yml` and an inventory of the fleet's first host (of the fleet in `dir`). */
export function fleetProject(playbook: string, files: Record<string, string> = {}, dir0 = fleetDir): Project {
  const hosts = fleetHosts(dir0);
  const h = hosts[0]!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-oracle-fleet-'));
  const vars = Object.entries(h.vars).map(([k, v]) => `${k}=${v}`).join(' ');
  const all: Record<string, string> = {
    'inventory.ini': `${h.name} ${vars} ansible_python_interpreter=/usr/bin/python3\n`,
    'site.yml': playbook,
    'callbacks/results.py': CALLBACK,
    ...files,
  };
  for (const [rel, text] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return { dir, host: h.name };
}

export interface RunOptions {
  check?: boolean;
  diff?: boolean;
}

export function runAnsible(p: Project, o: RunOptions = {}): EngineRun {
  const r = spawnSync('ansible-playbook', ['-i', 'inventory.ini', ...(o.check ? ['--check'] : []), ...(o.diff ? ['--diff'] : []), 'site.yml'], {
    cwd: p.dir,
    encoding: 'utf8',
    timeout: 300_000,
    maxBuffer: 64 << 20,
    env: {
      ...process.env,
      ANSIBLE_STDOUT_CALLBACK: 'results',
      ANSIBLE_CALLBACK_PLUGINS: path.join(p.dir, 'callbacks'),
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_HOST_KEY_CHECKING: 'False',
      ANSIBLE_RETRY_FILES_ENABLED: 'False',
      ANSIBLE_PIPELINING: 'True',
    },
  });
  if (r.error) throw new Error(`ansible-playbook could not run (install the Debian package ansible-core): ${r.error.message}`);
  const start = r.stdout.lastIndexOf('\n{"results"');
  const at = start >= 0 ? start + 1 : r.stdout.indexOf('{"results"');
  if (at < 0) throw new Error(`ansible-playbook failed:\n${r.stdout}\n${r.stderr}`);
  const parsed = JSON.parse(r.stdout.slice(at)) as { results: Record<string, Result>; recap: EngineRun['recap'] };
  return { results: new Map(Object.entries(parsed.results)), recap: parsed.recap, log: r.stdout + r.stderr };
}

export async function runPlaywatch(p: Project, o: RunOptions = {}): Promise<EngineRun> {
  const execs: string[] = [];
  const run = await runIn(p.dir, { check: o.check, diff: o.diff, wrapTransport: (t) => counted(t, execs) });
  const results = new Map<string, Result>();
  for (const e of run.events) {
    if (e.type === 'host.ok') results.set(e.task.name ?? '', { ...e.result, status: e.changed ? 'changed' : 'ok' });
    else if (e.type === 'host.failed') results.set(e.task.name ?? '', { ...e.result, status: 'failed' });
    else if (e.type === 'host.skipped') results.set(e.task.name ?? '', { ...(e.result ?? {}), status: 'skipped' });
    else if (e.type === 'host.unreachable') results.set(e.task.name ?? '', { ...(e.result ?? {}), status: 'unreachable' });
  }
  const recap: EngineRun['recap'] = {};
  for (const e of run.of('run.end')) {
    for (const [h, s] of Object.entries(e.stats)) {
      recap[h] = { ok: s.ok, changed: s.changed, failed: s.failed, skipped: s.skipped, unreachable: s.unreachable, ignored: s.ignored, rescued: s.rescued };
    }
  }
  return { results, recap, log: run.plain, execs };
}

/** The transport with each command it runs written down. */
function counted(t: Transport, execs: string[]): Transport {
  return {
    host: t.host,
    connect: () => t.connect(),
    exec: (command, opts) => {
      execs.push(command);
      return t.exec(command, opts);
    },
    put: (content, remotePath, mode) => t.put(content, remotePath, mode),
    get: (remotePath) => t.get(remotePath),
    close: () => t.close(),
    ...(t.describe ? { describe: () => t.describe!() } : {}),
  };
}

/** Runs a command on this machine (the fleet's hosts are this machine): stdout, or the failure. */
export function sh(script: string): string {
  const r = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sh failed (${r.status}): ${script}\n${r.stderr}`);
  return r.stdout;
}

/** The statuses of every task, in a table easy to read in a failed assertion. */
export function statuses(run: EngineRun): Record<string, string> {
  return Object.fromEntries([...run.results].map(([k, v]) => [k, v.status]));
}

/**
 * The differences between two runs on the keys each task's `keys` name
 * (`'<present>'` compares whether a key is there only), and on status.
 */
export function differences(a: EngineRun, p: EngineRun, keys: Record<string, readonly string[]>): string[] {
  const out: string[] = [];
  for (const [task, ra] of a.results) {
    const rp = p.results.get(task);
    if (!rp) {
      out.push(`${task}: no result from playwatch`);
      continue;
    }
    if (ra.status !== rp.status) out.push(`${task}: status ${rp.status}, ansible-core ${ra.status} (${JSON.stringify(ra.msg ?? '')} / ${JSON.stringify(rp.msg ?? '')})`);
    for (const k of keys[task] ?? []) {
      const present = k.startsWith('?');
      const name = present ? k.slice(1) : k;
      const va = present ? name in ra : ra[name];
      const vp = present ? name in rp : rp[name];
      if (JSON.stringify(va) !== JSON.stringify(vp)) out.push(`${task}: ${name} ${JSON.stringify(vp)}, ansible-core ${JSON.stringify(va)}`);
    }
  }
  for (const task of p.results.keys()) if (!a.results.has(task)) out.push(`${task}: no result from ansible-core`);
  return out;
}
