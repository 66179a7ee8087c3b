/**
 * Where control sockets live and how `<run|@last>` finds a run: the rules
 * of DESIGN §12 as data tables (short private directory, 107-byte socket
 * paths, a planted directory refused, @last only from this runs directory).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONTROL_FILE, controlDir, ensureControlDir, findRun, socketPath, SOCKET_PATH_MAX } from '../../src/cli/control-path.js';
import { parseClientLine } from '../../src/cli/control-protocol.js';

const LONG = `/run/${'x'.repeat(90)}`;
const dirCases: Array<[string, NodeJS.ProcessEnv, string]> = [
  ['XDG_RUNTIME_DIR when set', { XDG_RUNTIME_DIR: '/run/user/1000' }, '/run/user/1000/playwatch'],
  ['/tmp/playwatch-<uid> without it', {}, '/tmp/playwatch-1000'],
  ['/tmp when XDG_RUNTIME_DIR is empty', { XDG_RUNTIME_DIR: '' }, '/tmp/playwatch-1000'],
  ['/tmp when XDG_RUNTIME_DIR is relative', { XDG_RUNTIME_DIR: 'run/user' }, '/tmp/playwatch-1000'],
  ['/tmp when a socket under XDG_RUNTIME_DIR would pass 107 bytes', { XDG_RUNTIME_DIR: LONG }, '/tmp/playwatch-1000'],
  ['/tmp when XDG_RUNTIME_DIR is not there', { XDG_RUNTIME_DIR: '/run/user/404' }, '/tmp/playwatch-1000'],
];
for (const [what, env, want] of dirCases) {
  test(`the socket directory is ${what}`, () => {
    const dir = controlDir(env, 1000, (p) => p !== '/run/user/404');
    assert.equal(dir, want);
    assert.ok(Buffer.byteLength(socketPath(dir, '20261203-092620-abcd')) <= SOCKET_PATH_MAX);
  });
}

test('the socket directory is made 0700, an opened-up one of ours is closed again, a link or a stranger’s is refused', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-ctl-'));
  const uid = process.getuid!();
  const fresh = path.join(base, 'fresh');
  assert.deepEqual(ensureControlDir(fresh, uid), { ok: true });
  assert.equal(fs.statSync(fresh).mode & 0o777, 0o700);

  const open = path.join(base, 'open');
  fs.mkdirSync(open, { mode: 0o777 });
  fs.chmodSync(open, 0o777);
  assert.deepEqual(ensureControlDir(open, uid), { ok: true });
  assert.equal(fs.statSync(open).mode & 0o777, 0o700);

  const link = path.join(base, 'link');
  fs.symlinkSync(fresh, link);
  const linked = ensureControlDir(link, uid);
  assert.equal(linked.ok, false);
  assert.match(!linked.ok ? linked.message : '', /is not a directory/);

  // Someone else's directory (here: one that is not the given uid's) is never used.
  const planted = ensureControlDir(fresh, uid + 1);
  assert.equal(planted.ok, false);
  assert.match(!planted.ok ? planted.message : '', new RegExp(`belongs to uid ${uid}, not to this user \\(uid ${uid + 1}\\)`));
});

test('<run|@last> finds a live run by its directory, its id or @last, and says why when it cannot', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-find-'));
  const runsDir = path.join(base, 'runs');
  const socketDir = path.join(base, 'sock');
  fs.mkdirSync(socketDir);
  const live = (id: string) => {
    fs.mkdirSync(path.join(runsDir, id), { recursive: true });
    fs.writeFileSync(path.join(runsDir, id, CONTROL_FILE), JSON.stringify({ socket: socketPath(socketDir, id), pid: 1, runId: id }));
  };
  const ended = (id: string) => {
    fs.mkdirSync(path.join(runsDir, id), { recursive: true });
    fs.writeFileSync(path.join(runsDir, id, 'summary.json'), '{}');
  };
  live('20261203-090000-aaaa');
  ended('20261203-091000-bbbb');
  // A live run of another project: reachable by its id, never by @last.
  fs.writeFileSync(socketPath(socketDir, '20261203-095959-cccc'), '');
  const where = { runsDir, socketDir };
  const rows: Array<[string, string]> = [
    ['20261203-090000-aaaa', `ok ${socketPath(socketDir, '20261203-090000-aaaa')}`],
    [path.join(runsDir, '20261203-090000-aaaa'), `ok ${socketPath(socketDir, '20261203-090000-aaaa')}`],
    ['20261203-095959-cccc', `ok ${socketPath(socketDir, '20261203-095959-cccc')}`],
    ['@last', `run 20261203-091000-bbbb is not live: it has ended; its record is in ${path.join(runsDir, '20261203-091000-bbbb')}`],
    ['20261203-120000-dddd', `no run 20261203-120000-dddd in ${runsDir} and no live run 20261203-120000-dddd in ${socketDir} (live runs of yours: 20261203-095959-cccc)`],
    ['last', `'last' is not a run id (like 20261203-092620-ab12), a run directory or @last`],
  ];
  for (const [arg, want] of rows) {
    const r = findRun(arg, where);
    assert.equal(r.ok ? `ok ${r.socket}` : r.message, want, arg);
  }
  fs.rmSync(path.join(runsDir, '20261203-091000-bbbb'), { recursive: true });
  const last = findRun('@last', where);
  assert.equal(last.ok && last.runId, '20261203-090000-aaaa');
  assert.match((findRun('@last', { runsDir: path.join(base, 'none'), socketDir }) as { message: string }).message, /^no run in .*none \(live runs of yours: 20261203-095959-cccc\)$/);
});

const lines: Array<[string, string]> = [
  ['{"id":1,"command":"kill","source":"playwatch abort"}', '{"id":1,"command":"kill","source":"playwatch abort"}'],
  ['{"id":2,"command":"pause","source":"rm -rf"}', '{"id":2,"command":"pause"}'],
  ['{"id":3,"command":"reboot"}', '{"error":"unknown command \\"reboot\\" (one of watch, state, pause, resume, drain, kill)","id":3}'],
  ['{"command":"drain"}', `{"error":"'id' must be a whole number","id":null}`],
  ['drain', '{"error":"not a JSON line","id":null}'],
  ['[1]', `{"error":"'id' must be a whole number","id":null}`],
];
for (const [line, want] of lines) {
  test(`the run reads the client line ${line} as ${want}`, () => {
    assert.equal(JSON.stringify(parseClientLine(line)), want);
  });
}
