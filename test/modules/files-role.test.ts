/**
 * A role using every file module (stat, file, copy, template, lineinfile,
 * blockinfile, replace, unarchive, assemble, script, command and shell with
 * creates, find, slurp, fetch) and setup with a subset and a filter,
 * group_by, meta and set_stats (fixtures/files-role) on two local hosts, each with its own
 * root holding only the files an operating system ships: --check on these
 * fresh hosts predicts exactly the changes the real run then makes (but
 * fetch's: it skips in check mode, as ansible-core's does), a
 * second run changes nothing, and --diff shows the changes but nothing of
 * the no_log tasks.
 * Module arguments are checked when the playbook loads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../src/model/index.js';
import { loadPlaybook } from '../../src/playbook/index.js';
import { loadModules, moduleInfo } from '../../src/modules/index.js';
import { runIn, type TestRun } from '../helpers/run.js';

// Every module's code, so the synchronous loader and validate can check args (a run loads only what it names).
await loadModules();

// The local hosts' new files start from this process's umask; the expected modes and diffs assume Debian's 022.
process.umask(0o022);

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/files-role');

/** host → names of the tasks that changed (or failed) there. */
function changes(run: TestRun): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of [...run.of('host.ok').filter((x) => x.changed), ...run.of('host.failed')]) {
    (out[e.host] ??= []).push(`${e.type === 'host.failed' ? 'FAILED ' : ''}${e.task.name}`);
  }
  return out;
}

/** What an operating system ships that the role edits in place. */
const OS_FILES: Record<string, string> = {
  'os/etc/sysctl.conf': '# /etc/sysctl.conf\n#vm.swappiness = 60\nnet.core.somaxconn = 128\n',
  'os/etc/hosts': '127.0.0.1 localhost\n::1 localhost ip6-localhost\n',
};

/** Every file under a host's root, path → content (directories and links as markers). */
function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of (fs.readdirSync(root, { recursive: true }) as string[]).sort()) {
    const st = fs.lstatSync(path.join(root, rel));
    out[rel] = st.isSymbolicLink() ? `-> ${fs.readlinkSync(path.join(root, rel))}` : st.isDirectory() ? '(dir)' : fs.readFileSync(path.join(root, rel), 'utf8');
  }
  return out;
}

test('the files role: --check predicts the real run, a second run changes nothing, --diff hides the no_log tasks', async () => {
  const hostsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-files-role-'));
  for (const h of ['app1', 'app2']) {
    for (const [rel, content] of Object.entries(OS_FILES)) {
      fs.mkdirSync(path.dirname(path.join(hostsDir, h, rel)), { recursive: true });
      fs.writeFileSync(path.join(hostsDir, h, rel), content);
    }
  }
  const fresh = tree(path.join(hostsDir, 'app1'));
  // fetch's controller directory: a temporary one, not the fixture's.
  const fetched = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-fetched-'));
  const extraVars = { fetched_dir: fetched };
  const check = await runIn(FIXTURE, { hostsDir, check: true, diff: true, extraVars });
  for (const h of ['app1', 'app2']) assert.deepEqual(tree(path.join(hostsDir, h)), fresh, `${h} untouched by --check`);
  assert.deepEqual(fs.readdirSync(fetched), [], 'nothing fetched by --check');

  const real = await runIn(FIXTURE, { hostsDir, diff: true, extraVars });
  assert.equal(real.exitCode, 0, JSON.stringify(real.of('host.failed').map((e) => e.result.msg)));
  const expected = [
    'Release directory', 'Shared config directory', 'Environment file', 'Logrotate snippet', 'Secret token', 'Current release link',
    'Unpack the release', 'Worker config from fragments', 'Worker config to the controller', 'Migrations, once', 'Mark the release deployed',
    'Build info, once', 'Fewer swaps', 'A longer listen queue', 'Peers in /etc/hosts', 'API key for the app',
  ];
  assert.deepEqual(changes(real), { app1: expected, app2: expected });
  // ansible-playbook's recap for this run, and for the second run below: ok=28/27 changed=16, then ok=27/26 changed=0 skipped=1
  // (the script's creates). add_host runs once, on app1; meta counts in neither; changed_when: false keeps the every-run
  // "changed" of group_by, add_host and tempfile out.
  assert.deepEqual(Object.values(real.stats).map((st) => [st.ok, st.changed]), [[28, 16], [27, 16]]);
  assert.equal(check.exitCode, 0, JSON.stringify(check.of('host.failed').map((e) => e.result.msg)));
  const predicted = expected.filter((t) => t !== 'Worker config to the controller');
  assert.deepEqual(changes(check), { app1: predicted, app2: predicted });
  assert.deepEqual(check.results('Worker config to the controller'), { app1: 'skipped', app2: 'skipped' }, 'when: not ansible_check_mode (ansible-core skips fetch in check mode)');
  assert.deepEqual(check.results('The link points at a directory'), { app1: 'skipped', app2: 'skipped' }, 'when: not ansible_check_mode');
  assert.deepEqual(check.results('A scratch file for this run'), { app1: 'skipped', app2: 'skipped' }, 'tempfile is skipped in check mode, as in ansible-core');
  assert.deepEqual(real.results('Record the deployed hosts'), { app1: 'ok' }, 'add_host runs once per play');

  const root = path.join(hostsDir, 'app2', 'srv/app');
  assert.equal(fs.readFileSync(path.join(root, 'shared/app.env'), 'utf8'), '# Ansible managed (app.env.j2)\nPORT=8002\nHOST=app2\nRELEASE=2026.12.03\nDB_PASSWORD=hunter2-long-secret\n');
  assert.equal(fs.statSync(path.join(root, 'shared/app.env')).mode & 0o777, 0o640);
  assert.equal(fs.statSync(path.join(root, 'shared')).mode & 0o777, 0o750);
  assert.equal(fs.readlinkSync(path.join(root, 'current')), 'releases/2026.12.03');
  assert.equal(fs.readFileSync(path.join(root, 'shared/logrotate.conf'), 'utf8'), fs.readFileSync(path.join(FIXTURE, 'roles/app/files/logrotate.conf'), 'utf8'));
  assert.equal(fs.readFileSync(path.join(root, 'releases/2026.12.03/VERSION'), 'utf8'), '2026.12.03\n');
  assert.equal(fs.statSync(path.join(root, 'releases/2026.12.03/bin/app')).mode & 0o777, 0o755);
  assert.equal(fs.readFileSync(path.join(root, 'shared/worker.conf'), 'utf8'), '[worker]\nconcurrency = 4\nqueue = default');
  assert.equal(fs.readFileSync(path.join(root, 'shared/.migrated'), 'utf8'), 'migrated to 2026.12.03\n');
  assert.ok(fs.existsSync(path.join(root, 'releases/2026.12.03/.deployed')));
  assert.equal(fs.readFileSync(path.join(root, 'releases/2026.12.03/BUILD_INFO'), 'utf8'), '2026.12.03_built_for_app2\n');
  assert.equal(fs.readFileSync(path.join(fetched, 'app2/worker.conf'), 'utf8'), '[worker]\nconcurrency = 4\nqueue = default');
  assert.deepEqual(real.results('Group the hosts by OS family'), { app1: 'ok', app2: 'ok' });
  const found = real.of('host.ok').find((e) => e.host === 'app2' && e.task.name === 'Releases on the host')?.result;
  assert.deepEqual((found?.files as Array<{ path: string }>).map((f) => f.path), ['srv/app/releases/2026.12.03']);
  assert.doesNotMatch(JSON.stringify(real.events), /dG9rZW4t/, 'the slurped token (base64) stays out of the events');
  assert.equal(fs.readFileSync(path.join(hostsDir, 'app2', 'os/etc/sysctl.conf'), 'utf8'), '# /etc/sysctl.conf\nvm.swappiness = 10\nnet.core.somaxconn = 1024\n');
  assert.equal(
    fs.readFileSync(path.join(hostsDir, 'app2', 'os/etc/hosts'), 'utf8'),
    `${OS_FILES['os/etc/hosts']}# BEGIN app peers\n127.0.1.1 app1.internal\n127.0.1.2 app2.internal\n# END app peers\n`,
  );
  assert.equal(fs.readFileSync(path.join(root, 'shared/secrets.env'), 'utf8'), 'API_KEY=s3cr3t-app2-api-key\n');
  assert.equal(fs.statSync(path.join(root, 'shared/secrets.env')).mode & 0o777, 0o600);

  assert.match(real.plain, /TASK \[app : Environment file\] \**\n.*\n--- before\n\+\+\+ after: .*roles\/app\/templates\/app\.env\.j2\n@@ -0,0 \+1,5 @@\n\+# Ansible managed \(app\.env\.j2\)\n\+PORT=800[12]\n/);
  // A new directory's diff names its mode only when it differs from mkdir's (0755 here), as ansible-core's does.
  assert.match(real.plain, /TASK \[app : Release directory\] \**\n.*\n--- before\n\+\+\+ after\n@@ -1,4 \+1,4 @@\n \{\n     "path": "srv\/app\/releases\/2026\.12\.03",\n-    "state": "absent"\n\+    "state": "directory"\n \}\n/);
  assert.match(real.plain, /-    "mode": "0755",\n\+    "mode": "0750",\n     "path": "srv\/app\/shared",/);
  // The edits of the shipped files, as ansible-core prints them.
  assert.match(real.plain, /TASK \[app : Fewer swaps\] \**\n.*\n--- before: os\/etc\/sysctl\.conf \(content\)\n\+\+\+ after: os\/etc\/sysctl\.conf \(content\)\n@@ -1,3 \+1,3 @@\n # \/etc\/sysctl\.conf\n-#vm\.swappiness = 60\n\+vm\.swappiness = 10\n net\.core\.somaxconn = 128\n/);
  assert.match(real.plain, /TASK \[app : A longer listen queue\] \**\n.*\n--- before: os\/etc\/sysctl\.conf\n\+\+\+ after: os\/etc\/sysctl\.conf\n@@ -1,3 \+1,3 @@\n # \/etc\/sysctl\.conf\n vm\.swappiness = 10\n-net\.core\.somaxconn = 128\n\+net\.core\.somaxconn = 1024\n/);
  assert.match(real.plain, /TASK \[app : Peers in \/etc\/hosts\] \**\n.*\n--- before: os\/etc\/hosts \(content\)\n\+\+\+ after: os\/etc\/hosts \(content\)\n@@ -1,2 \+1,6 @@\n 127\.0\.0\.1 localhost\n ::1 localhost ip6-localhost\n\+# BEGIN app peers\n/);
  // The same edits in --check, where nothing was written (so a file's second edit starts from the shipped text there).
  const edits = (run: TestRun, task: string) =>
    Object.fromEntries(
      run.of('host.ok').filter((e) => e.task.name === task).map((e) => {
        // lineinfile's diff is a list (content, then attributes), as ansible-core's.
        const d = [e.result.diff].flat().find((x) => typeof (x as { before?: unknown })?.before === 'string') as { before: string; after: string };
        const [before, after] = [d.before.split('\n'), d.after.split('\n')];
        return [e.host, { removed: before.filter((l) => !after.includes(l)), added: after.filter((l) => !before.includes(l)) }];
      }),
    );
  for (const task of ['Fewer swaps', 'A longer listen queue', 'Peers in /etc/hosts']) {
    assert.ok(edits(real, task).app1.added.length > 0, `${task} has a diff`);
    assert.deepEqual(edits(check, task), edits(real, task), `${task}: --check shows the edit the run then makes`);
  }
  assert.doesNotMatch(real.plain, /s3cr3t/);
  assert.doesNotMatch(check.plain, /s3cr3t/);
  assert.doesNotMatch(real.plain.split('TASK [app : API key for the app]')[1].split('\nTASK [')[0], /^(---|\+\+\+|@@)/m, 'no diff for the no_log edit');
  // A secret-named variable rendered into a file is masked in the diff as everywhere else.
  assert.match(real.plain, /^\+DB_PASSWORD=\*{8}$/m);
  assert.doesNotMatch(real.plain + JSON.stringify(real.events), /hunter2-long-secret/);
  assert.doesNotMatch(JSON.stringify(real.events), /s3cr3t/);

  const again = await runIn(FIXTURE, { hostsDir, diff: true, extraVars });
  assert.deepEqual(changes(again), {});
  assert.deepEqual(Object.values(again.stats).map((st) => [st.ok, st.changed, st.skipped]), [[27, 0, 1], [26, 0, 1]]);
  assert.doesNotMatch(again.plain, /^--- before/m);
});

const LOAD_ERRORS: Array<[task: string, message: string]> = [
  ["copy: {src: a, dest: b, mdoe: '0644'}", "unsupported parameter 'mdoe' for module 'copy' (did you mean 'mode'?)"],
  ['copy: {src: a, content: b, dest: c}', "module 'copy': parameters are mutually exclusive: content|src"],
  ['copy: {dest: c}', "module 'copy': one of the following is required: content, src"],
  ["file: {path: a, mode: 'rwxr-xr-x'}", "module 'file': 'mode': bad symbolic permission for mode: rwxr-xr-x"],
  ['file: {path: a, state: linked}', "module 'file': value of 'state' must be one of: absent, directory, file, hard, link, touch, got: linked"],
  ['file: {path: a, state: link}', "module 'file': state is link but all of the following are missing: src"],
  ['template: {src: a.j2}', "module 'template': missing required arguments: dest"],
  ['template: {src: a.j2, dest: b, variable_start_string: "[["}', "module 'template': 'variable_start_string' is not supported"],
  ['copy: {content: x, dest: b, validate: "visudo -c"}', "module 'copy': validate must contain %s: visudo -c"],
  ['stat: {path: a, checksum_algorithm: crc32}', "module 'stat': value of 'checksum_algorithm' must be one of: md5, sha1, sha224, sha256, sha384, sha512, got: crc32"],
  ['stat: {path: a, follow: sometimes}', `module 'stat': 'follow' must be a boolean, got "sometimes"`],
];

for (const [task, message] of LOAD_ERRORS) {
  test(`loading refuses ${task} with its position`, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-load-'));
    fs.writeFileSync(path.join(dir, 'site.yml'), `- hosts: all\n  tasks:\n    - name: t\n      ${task}\n`);
    assert.throws(() => loadPlaybook(path.join(dir, 'site.yml'), { rolesPath: [], modules: moduleInfo }), (e: unknown) =>
      e instanceof UserError && e.message.startsWith(`${path.join(dir, 'site.yml')}:4:7: ${message}`));
  });
}

test('loading accepts ansible-core forms: k=v, aliases, templated values, octal mode integers', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-load-'));
  fs.writeFileSync(path.join(dir, 'site.yml'), `- hosts: all
  tasks:
    - file: dest=/tmp/x state=directory mode=0755
    - file: {name: /tmp/y, state: "{{ wanted }}", mode: 0644, owner: "{{ user }}"}
    - copy: {content: "{{ body }}", dest: /tmp/z, backup: yes, force: no}
    - stat: {path: /tmp/z, checksum_algo: sha256, get_mime: false}
    - template: {src: a.j2, dest: /tmp/a, lstrip_blocks: false}
`);
  assert.doesNotThrow(() => loadPlaybook(path.join(dir, 'site.yml'), { rolesPath: [], modules: moduleInfo }));
});
