import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeProject } from '../helpers/run.js';
import { EventBus } from '../../src/events/index.js';
import { startGate } from '../../src/cli/run-command.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

const INVENTORY = '[all]\na ansible_connection=local playwatch_local_root=hosts/a\nb ansible_connection=local playwatch_local_root=hosts/b\n[all:vars]\nplaywatch_lock_path=~/.playwatch/lock\n';
const SLOW = `
- hosts: all
  gather_facts: false
  tasks:
    - {name: one, command: sleep 1}
    - {name: two, command: sleep 1}
    - {name: three, command: sleep 1}
`;

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/**
 * Starts `playwatch run site.yml --ui plain` and, once stdout shows `when`,
 * does `act` to the child (send a signal, close its stdout).
 */
function runAndThen(dir: string, when: RegExp, act: (child: ReturnType<typeof spawn>) => void): Promise<Ended> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, 'run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain'], {
      cwd: dir,
      env: { ...process.env, CI: 'true', ANSIBLE_CONFIG: '/nonexistent', HOME: dir },
    });
    let out = '';
    let err = '';
    let acted = false;
    child.stdout!.on('data', (d) => {
      out += d;
      if (!acted && when.test(out)) {
        acted = true;
        act(child);
      }
    });
    child.stderr!.on('data', (d) => (err += d));
    child.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });
}

/** The events of the one run in `dir`. */
function events(dir: string): { type: string; [k: string]: unknown }[] {
  const runs = path.join(dir, '.playwatch', 'runs');
  const [run] = fs.readdirSync(runs).filter((n) => fs.statSync(path.join(runs, n)).isDirectory());
  return fs
    .readFileSync(path.join(runs, run, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

/** Every task ran on every host, the record ends with run.end and no deploy lock is left. */
function assertFinished(dir: string, r: Ended) {
  assert.equal(r.signal, null, `killed by ${r.signal}: ${r.err}`);
  assert.equal(r.code, 0, r.err);
  const evs = events(dir);
  assert.equal(evs.at(-1)?.type, 'run.end');
  const oks = evs.filter((e) => e.type === 'host.ok').map((e) => `${(e.task as { name: string }).name}@${e.host}`);
  assert.deepEqual(oks.sort(), ['one@a', 'one@b', 'three@a', 'three@b', 'two@a', 'two@b']);
  for (const h of ['a', 'b']) {
    // A local host's home is its root: the lock was taken there, and is gone.
    assert.ok(fs.existsSync(path.join(dir, 'hosts', h, '.playwatch')), `${h} took its lock`);
    assert.equal(fs.existsSync(path.join(dir, 'hosts', h, '.playwatch', 'lock')), false, `${h}'s deploy lock was released`);
  }
  return evs;
}

test('a hangup does not stop the run: every task runs, the lock is released, a warning records it and nothing more is written', async () => {
  const dir = makeProject({ 'inventory.ini': INVENTORY, 'site.yml': SLOW });
  const r = await runAndThen(dir, /TASK \[two\]/, (child) => child.kill('SIGHUP'));
  const evs = assertFinished(dir, r);
  const warned = evs.filter((e) => e.type === 'warning').map((e) => String(e.message));
  assert.ok(warned.some((m) => /terminal is gone \(SIGHUP\)/.test(m)), JSON.stringify(warned));
  assert.doesNotMatch(r.out, /PLAY RECAP/, 'the presenter let go of the terminal');
  assert.doesNotMatch(r.err, /Run log:/);
});

test('stdout closed by its reader (EPIPE) is not a crash: the run finishes and records it', async () => {
  const dir = makeProject({ 'inventory.ini': INVENTORY, 'site.yml': SLOW });
  const r = await runAndThen(dir, /TASK \[one\]/, (child) => child.stdout!.destroy());
  const evs = assertFinished(dir, r);
  assert.ok(evs.some((e) => e.type === 'warning' && /terminal is gone \(stdout: EPIPE\)/.test(String(e.message))));
});

test('a hangup note from before run.start (the playbook still loading) comes right after it: a record begins with run.start', () => {
  const bus = new EventBus();
  const seen: string[] = [];
  bus.add({ name: 'list', onEvent: (e) => void seen.push(e.type === 'warning' ? `warning ${e.message}` : e.type) });
  const { emit, note } = startGate(bus);
  note({ type: 'warning', message: 'early' });
  assert.deepEqual(seen, []);
  emit({ type: 'run.start', schema: 2, runId: 'r', playbook: 'p', runDir: 'd', hosts: [], check: false, argv: [] });
  note({ type: 'warning', message: 'late' });
  emit({ type: 'play.start', index: 0, total: 1, name: 'x', hosts: [] });
  assert.deepEqual(seen, ['run.start', 'warning early', 'warning late', 'play.start']);
});
