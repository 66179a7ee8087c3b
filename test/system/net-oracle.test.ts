/**
 * The network modules (wait_for, uri, get_url, git) run through
 * ansible-core 2.14 and through playwatch with one playbook, against a
 * loopback HTTP server and a bare git repository this test makes: each
 * task's status in check mode (fresh), for real (fresh) and again, the
 * recap, and the result keys a row names must agree. Each engine writes
 * under its own directory (`@D`). Needs ansible-core: fails without it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHttp, type TestHttp } from '../helpers/http-server.js';
import { localProject, runAnsible, runPlaywatch, type Seen } from './oracle.js';

interface Row {
  task: string;
  /** Result keys compared between the engines (after the run). */
  keys?: string[];
}

/** `@U` is the HTTP server, `@D` the engine's own directory, `@G` the bare repository, `@P` a port nothing listens on. */
const ROWS: Row[] = [
  { task: 'wait_for: { port: "@PORT", timeout: 5 }', keys: ['state', 'port', 'path', 'search_regex', 'match_groups', 'match_groupdict'] },
  { task: "wait_for: { path: /etc/hostname, search_regex: '^(?P<first>.)(.)' }", keys: ['match_groups', 'match_groupdict', 'path'] },
  { task: 'wait_for: { path: "@D/never", timeout: 1 }', keys: ['msg', 'elapsed'] },
  { task: 'wait_for: { port: "@P", state: stopped, timeout: 3 }', keys: ['state', 'port'] },
  { task: 'wait_for: { port: "@P", timeout: 1, msg: "nothing on @P" }', keys: ['msg'] },
  { task: 'uri: { url: "@U/json" }', keys: ['status', 'json', 'msg', 'redirected', 'url', 'content_type', 'content_length', 'x_request_id', 'cookies', 'cookies_string', 'connection'] },
  { task: 'uri: { url: "@U/redirect", return_content: true }', keys: ['redirected', 'url', 'content', 'status'] },
  { task: 'uri: { url: "@U/redirect", follow_redirects: none }', keys: ['msg', 'status', 'location'] },
  { task: 'uri: { url: "@U/missing", return_content: true }', keys: ['msg', 'status', 'content'] },
  { task: 'uri: { url: "@U/private", url_username: deploy, url_password: s3cret-pw, force_basic_auth: true }', keys: ['json', 'status'] },
  { task: 'uri: { url: "@U/echo", method: POST, body_format: json, body: { a: 1, b: [x, y] }, status_code: 201 }', keys: ['json'] },
  { task: 'uri: { url: "@U/echo", method: POST, body_format: form-urlencoded, body: { name: a b, n: 2 }, status_code: [200, 201] }', keys: ['json'] },
  { task: 'uri: { url: "@U/cookie" }', keys: ['cookies', 'cookies_string'] },
  { task: 'uri: { url: "@U/text", dest: "@D/page.txt" }', keys: ['path', 'status'] },
  { task: 'uri: { url: "@U/text", creates: "@D/page.txt" }', keys: ['stdout'] },
  { task: 'get_url: { url: "@U/file.txt", dest: "@D/a.txt", checksum: "sha256:@SHA", mode: "0640" }', keys: ['checksum_src', 'checksum_dest', 'md5sum', 'msg', 'mode', 'size', 'dest', 'status_code'] },
  { task: 'get_url: { url: "@U/file.txt", dest: "@D/b.txt", checksum: "sha256:@U/file.txt.sha256" }', keys: ['checksum_src', 'msg', 'dest'] },
  { task: 'get_url: { url: "@U/file.txt", dest: "@D/" }', keys: ['dest', 'checksum_src', 'checksum_dest'] },
  { task: 'get_url: { url: "@U/file.txt", dest: "@D/c.txt", checksum: "sha256:00ff" }', keys: ['msg'] },
  { task: 'get_url: { url: "@U/missing", dest: "@D/m.txt" }', keys: ['msg', 'status_code', 'response'] },
  { task: 'git: { repo: "@G", dest: "@D/app" }', keys: ['before', 'after', 'remote_url_changed'] },
  { task: 'git: { repo: "@G", dest: "@D/tagged", version: v1 }', keys: ['before', 'after'] },
  { task: 'shell: "echo local >> @D/app/README"' },
  { task: 'git: { repo: "@G", dest: "@D/app" }', keys: ['msg', 'before'] },
  { task: 'git: { repo: "@G", dest: "@D/app", force: true }', keys: ['msg', 'before', 'after'] },
];

type Results = Map<string, Seen>;

let http: TestHttp;
let base: string;
let repo: string;
const closedPort = 9;

before(async () => {
  http = await startHttp();
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-net-oracle-'));
  repo = path.join(base, 'origin.git');
  const work = path.join(base, 'work');
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' };
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env, stdio: 'pipe' });
  git(base, 'init', '-q', '--bare', '-b', 'main', repo);
  git(base, 'clone', '-q', repo, work);
  fs.writeFileSync(path.join(work, 'README'), 'one\n');
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'one');
  git(work, 'tag', 'v1');
  fs.writeFileSync(path.join(work, 'README'), 'two\n');
  git(work, 'commit', '-q', '-am', 'two');
  git(work, 'push', '-q', 'origin', 'HEAD:main', 'v1');
});
after(() => http.close());

function playbook(dir: string, sha: string): string {
  const fill = (s: string) => s.split('@U').join(http.url).split('@D').join(dir).split('@G').join(repo)
    .split('@PORT').join(String(http.port)).split('@P').join(String(closedPort)).split('@SHA').join(sha);
  const tasks = ROWS.map((r, i) => `    - name: case ${i}\n      ignore_errors: true\n      ${fill(r.task)}\n`);
  return `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks.join('')}`;
}

interface EngineRun { check: Results; run: Results; again: Results; dir: string }

async function runEngine(engine: 'ansible' | 'playwatch', sha: string): Promise<EngineRun> {
  const dir = path.join(base, engine);
  const project = path.join(base, `${engine}-project`);
  fs.renameSync(localProject(playbook(dir, sha), {}, 'h1').dir, project);
  const fresh = () => { fs.rmSync(dir, { recursive: true, force: true }); fs.mkdirSync(dir); };
  // ansible-playbook runs without blocking this process: the HTTP server answers from here.
  const pass = async (check: boolean): Promise<Results> => {
    const run = engine === 'ansible' ? runAnsible({ dir: project }, { check }) : runPlaywatch({ dir: project }, { check, hostsDir: path.join(base, 'playwatch-hosts') });
    return (await run).tasks;
  };
  fresh();
  const check = await pass(true);
  fresh();
  const run = await pass(false);
  const again = await pass(false);
  return { check, run, again, dir };
}

const normal = (v: unknown, dir: string) => JSON.parse(JSON.stringify(v ?? null).split(dir).join('@D'));

test('wait_for, uri, get_url and git do on playwatch what they do on ansible-core (status in check mode, for real and again; result keys; recap)', async () => {
  const { FILE_SHA256 } = await import('../helpers/http-server.js');
  const a = await runEngine('ansible', FILE_SHA256);
  const p = await runEngine('playwatch', FILE_SHA256);
  const problems: string[] = [];
  const recap = (r: Results) => {
    const counts: Record<string, number> = {};
    for (const v of r.values()) counts[String(v.status)] = (counts[String(v.status)] ?? 0) + 1;
    return JSON.stringify(counts);
  };
  for (const pass of ['check', 'run', 'again'] as const) {
    if (recap(a[pass]) !== recap(p[pass])) problems.push(`${pass} recap: playwatch ${recap(p[pass])}, ansible-core ${recap(a[pass])}`);
  }
  ROWS.forEach((row, i) => {
    const key = `case ${i}`;
    for (const pass of ['check', 'run', 'again'] as const) {
      const sa = String(a[pass].get(key)?.status);
      const sp = String(p[pass].get(key)?.status);
      if (sa !== sp) problems.push(`${row.task} (${pass}): ${sp}, ansible-core ${sa}: ${JSON.stringify(a[pass].get(key)?.result.msg)} / ${JSON.stringify(p[pass].get(key)?.result.msg)}`);
    }
    for (const k of row.keys ?? []) {
      for (const pass of ['run', 'again'] as const) {
        const va = JSON.stringify(normal(a[pass].get(key)?.result[k], a.dir));
        const vp = JSON.stringify(normal(p[pass].get(key)?.result[k], p.dir));
        if (va !== vp) problems.push(`${row.task} (${pass}) ${k}: ${vp}, ansible-core ${va}`);
      }
    }
  });
  assert.deepEqual(problems, []);
});
