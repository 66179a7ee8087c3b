import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { UserError } from '../../src/model/index.js';
import { loadConfig, parseAnsibleCfg, parseBool, type ConfigOptions } from '../../src/config/index.js';

/** DESIGN §12's default secret names. */
const DEFAULT_SECRETS = ['*password*', '*passwd*', '*_pass', '*secret*', '*token*', '*api_key*', '*private_key*', '*credential*'];

/** A temp workspace with a cwd, a home and a fake /etc, none of them read from the real machine. */
function workspace(files: Record<string, string> = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-cfg-'));
  for (const [rel, content] of Object.entries(files)) {
    const full = path.join(root, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
  for (const d of ['cwd', 'home', 'etc']) fs.mkdirSync(path.join(root, d), { recursive: true });
  const opts = (extra: Partial<ConfigOptions> = {}): ConfigOptions => ({
    cwd: path.join(root, 'cwd'),
    home: path.join(root, 'home'),
    env: {},
    systemConfig: path.join(root, 'etc/ansible.cfg'),
    ...extra,
  });
  return { root, opts };
}

test('defaults apply when nothing is configured', () => {
  const { root, opts } = workspace();
  const c = loadConfig(opts());
  assert.equal(c.settings.forks, 5);
  assert.equal(c.settings.timeout, 10);
  assert.equal(c.settings.retryFilesEnabled, false);
  assert.equal(c.settings.hostKeyChecking, true);
  assert.equal(c.settings.become, false);
  assert.equal(c.settings.becomeUser, 'root');
  assert.equal(c.settings.becomeMethod, 'sudo');
  assert.equal(c.settings.gathering, 'implicit');
  assert.equal(c.settings.remoteUser, undefined);
  assert.deepEqual(c.settings.inventory, []);
  assert.equal(c.settings.runsDir, path.join(root, 'cwd/.playwatch/runs'));
  assert.deepEqual(c.settings.secrets, DEFAULT_SECRETS);
  assert.deepEqual(c.settings.secretsIgnore, []);
  assert.ok(Object.values(c.sources).every((s) => s === 'default'));
  assert.deepEqual(c.files, {});
});

test('each layer overrides the one below it: cli > playwatch.yml > env > ansible.cfg > default', () => {
  const { opts } = workspace({
    'cwd/ansible.cfg': '[defaults]\nforks = 2\ntimeout = 2\nremote_user = cfg\ngathering = smart\n',
    'cwd/playwatch.yml': 'forks: 4\ntimeout: 4\n',
  });
  const env = { ANSIBLE_FORKS: '3', ANSIBLE_TIMEOUT: '3', ANSIBLE_REMOTE_USER: 'env' };
  const c = loadConfig(opts({ env, cli: { forks: 7 } }));
  const rows: Array<[keyof typeof c.settings, unknown, string]> = [
    ['forks', 7, 'cli'],
    ['timeout', 4, 'playwatch.yml'],
    ['remoteUser', 'env', 'env'],
    ['gathering', 'smart', 'ansible.cfg'],
    ['becomeUser', 'root', 'default'],
  ];
  for (const [key, value, source] of rows) {
    assert.equal(c.settings[key], value, key);
    assert.equal(c.sources[key], source, key);
  }
});

test('every setting can be read from ansible.cfg', () => {
  const { root, opts } = workspace({
    'cwd/ansible.cfg': [
      '[defaults]',
      'inventory = hosts, ../other/inv.yml',
      'forks = 12',
      'roles_path = roles:~/shared-roles',
      'retry_files_enabled = yes',
      'host_key_checking = False',
      'timeout = 30',
      'remote_user = "deploy"',
      'gathering = explicit',
      '[privilege_escalation]',
      'become = on',
      'become_user = app',
      'become_method = su',
    ].join('\n'),
  });
  const s = loadConfig(opts()).settings;
  const cwd = path.join(root, 'cwd');
  assert.deepEqual(s.inventory, [path.join(cwd, 'hosts'), path.join(root, 'other/inv.yml')]);
  assert.equal(s.forks, 12);
  assert.deepEqual(s.rolesPath, [path.join(cwd, 'roles'), path.join(root, 'home/shared-roles')]);
  assert.equal(s.retryFilesEnabled, true);
  assert.equal(s.hostKeyChecking, false);
  assert.equal(s.timeout, 30);
  assert.equal(s.remoteUser, 'deploy');
  assert.equal(s.gathering, 'explicit');
  assert.equal(s.become, true);
  assert.equal(s.becomeUser, 'app');
  assert.equal(s.becomeMethod, 'su');
});

test('every setting can be read from the environment', () => {
  const { root, opts } = workspace();
  const env = {
    ANSIBLE_INVENTORY: 'a,b',
    ANSIBLE_FORKS: '9',
    ANSIBLE_ROLES_PATH: 'r1:/abs/r2',
    ANSIBLE_RETRY_FILES_ENABLED: 'true',
    ANSIBLE_HOST_KEY_CHECKING: '0',
    ANSIBLE_TIMEOUT: '15',
    ANSIBLE_REMOTE_USER: 'ops',
    ANSIBLE_BECOME: 'Y',
    ANSIBLE_BECOME_USER: 'svc',
    ANSIBLE_BECOME_METHOD: 'doas',
    ANSIBLE_GATHERING: 'smart',
    PLAYWATCH_RUNS_DIR: 'runs',
  };
  const c = loadConfig(opts({ env }));
  const cwd = path.join(root, 'cwd');
  assert.deepEqual(c.settings, {
    ...c.settings,
    inventory: [path.join(cwd, 'a'), path.join(cwd, 'b')],
    forks: 9,
    rolesPath: [path.join(cwd, 'r1'), '/abs/r2'],
    retryFilesEnabled: true,
    hostKeyChecking: false,
    timeout: 15,
    remoteUser: 'ops',
    become: true,
    becomeUser: 'svc',
    becomeMethod: 'doas',
    gathering: 'smart',
    runsDir: path.join(cwd, 'runs'),
  });
  assert.ok(['inventory', 'forks', 'runsDir', 'gathering'].every((k) => c.sources[k as 'forks'] === 'env'));
});

test('playwatch.yml takes snake_case keys, YAML types and relative paths', () => {
  const { root, opts } = workspace({
    'cwd/playwatch.yml': [
      'inventory: [inventory/prod, "web1,web2,"]',
      'roles_path: [roles, /opt/roles]',
      'runs_dir: out/runs',
      'host_key_checking: no',
      'retry_files_enabled: true',
      'secrets: ["*key*", api_token, "*token*"]',
      'secrets_ignore: [token_ttl]',
      'mail: {to: ops@example.com}',
    ].join('\n'),
  });
  const c = loadConfig(opts());
  const cwd = path.join(root, 'cwd');
  assert.deepEqual(c.settings.inventory, [path.join(cwd, 'inventory/prod'), 'web1,web2,']);
  assert.deepEqual(c.settings.rolesPath, [path.join(cwd, 'roles'), '/opt/roles']);
  assert.equal(c.settings.runsDir, path.join(cwd, 'out/runs'));
  assert.equal(c.settings.hostKeyChecking, false);
  assert.equal(c.settings.retryFilesEnabled, true);
  // `secrets:` adds to the default names; `secrets_ignore:` is kept apart.
  assert.deepEqual(c.settings.secrets, [...DEFAULT_SECRETS, '*key*', 'api_token']);
  assert.deepEqual(c.settings.secretsIgnore, ['token_ttl']);
  assert.deepEqual(c.settings.mail?.to, ['ops@example.com']);
  assert.equal(c.files.playwatchYml, path.join(cwd, 'playwatch.yml'));
});

test('command-line paths resolve against cwd and host lists stay as written', () => {
  const { root, opts } = workspace();
  const c = loadConfig(opts({ cli: { inventory: ['hosts', 'a,b,'], runsDir: 'r' } }));
  assert.deepEqual(c.settings.inventory, [path.join(root, 'cwd/hosts'), 'a,b,']);
  assert.equal(c.settings.runsDir, path.join(root, 'cwd/r'));
  assert.equal(c.sources.inventory, 'cli');
});

test('ansible.cfg is found as ansible-core finds it', () => {
  const cases: Array<[string, Record<string, string>, Record<string, string>, string | undefined]> = [
    ['ANSIBLE_CONFIG file first', { 'x/my.cfg': '', 'cwd/ansible.cfg': '', 'home/.ansible.cfg': '', 'etc/ansible.cfg': '' }, { ANSIBLE_CONFIG: '../x/my.cfg' }, 'x/my.cfg'],
    ['ANSIBLE_CONFIG directory', { 'x/ansible.cfg': '', 'cwd/ansible.cfg': '' }, { ANSIBLE_CONFIG: '../x' }, 'x/ansible.cfg'],
    ['missing ANSIBLE_CONFIG falls through', { 'cwd/ansible.cfg': '' }, { ANSIBLE_CONFIG: '../nope.cfg' }, 'cwd/ansible.cfg'],
    ['./ansible.cfg next', { 'cwd/ansible.cfg': '', 'home/.ansible.cfg': '', 'etc/ansible.cfg': '' }, {}, 'cwd/ansible.cfg'],
    ['~/.ansible.cfg next', { 'home/.ansible.cfg': '', 'etc/ansible.cfg': '' }, {}, 'home/.ansible.cfg'],
    ['system file last', { 'etc/ansible.cfg': '' }, {}, 'etc/ansible.cfg'],
    ['none at all', {}, {}, undefined],
  ];
  for (const [name, files, env, expected] of cases) {
    const { root, opts } = workspace(files);
    const found = loadConfig(opts({ env })).files.ansibleCfg;
    assert.equal(found, expected && path.join(root, expected), name);
  }
});

const WORLD_WRITABLE = /^playwatch is being run in a world writable directory \(.*\/cwd\), ignoring it as (an ansible\.cfg|a playwatch\.yml) source\. For more information see https:\/\/docs\.ansible\.com\/ansible\/devel\/reference_appendices\/config\.html#cfg-in-world-writable-dir$/;

test('config files in a world-writable cwd are ignored with ansible-core\'s warning; a private cwd is read', () => {
  // Anyone can drop files into a shared /tmp: there playwatch.yml could turn off host key checking or add a mail recipient.
  const files = {
    'cwd/ansible.cfg': '[defaults]\nforks=3\nhost_key_checking=False\n',
    'cwd/playwatch.yml': 'host_key_checking: false\nmail: {to: [intruder@example.com]}\n',
    'home/.ansible.cfg': '[defaults]\nforks=4\n',
  };
  const cases: Array<[string, number, { forks: number; hostKeyChecking: boolean; mail: boolean; ansibleCfg: string; yml: boolean; warned: string[] }]> = [
    ['0777', 0o777, { forks: 4, hostKeyChecking: true, mail: false, ansibleCfg: 'home/.ansible.cfg', yml: false, warned: ['an ansible.cfg', 'a playwatch.yml'] }],
    ['1777 (sticky, like /tmp)', 0o1777, { forks: 4, hostKeyChecking: true, mail: false, ansibleCfg: 'home/.ansible.cfg', yml: false, warned: ['an ansible.cfg', 'a playwatch.yml'] }],
    ['0755', 0o755, { forks: 3, hostKeyChecking: false, mail: true, ansibleCfg: 'cwd/ansible.cfg', yml: true, warned: [] }],
  ];
  for (const [name, mode, want] of cases) {
    const { root, opts } = workspace(files);
    fs.chmodSync(path.join(root, 'cwd'), mode);
    const c = loadConfig(opts());
    assert.equal(c.settings.forks, want.forks, name);
    assert.equal(c.settings.hostKeyChecking, want.hostKeyChecking, name);
    assert.equal(c.settings.mail !== undefined, want.mail, name);
    assert.equal(c.files.ansibleCfg, path.join(root, want.ansibleCfg), name);
    assert.equal(c.files.playwatchYml !== undefined, want.yml, name);
    assert.deepEqual(c.warnings.map((w) => WORLD_WRITABLE.exec(w)?.[1] ?? w), want.warned, name);
  }
});

test('ANSIBLE_CONFIG naming a file: no warning about the skipped ./ansible.cfg, as in ansible-core', () => {
  const { root, opts } = workspace({ 'cwd/ansible.cfg': '', 'x/my.cfg': '[defaults]\nforks=7\n' });
  fs.chmodSync(path.join(root, 'cwd'), 0o777);
  const c = loadConfig(opts({ env: { ANSIBLE_CONFIG: path.join(root, 'x/my.cfg') } }));
  assert.equal(c.settings.forks, 7);
  assert.deepEqual(c.warnings, []);
});

test('relative paths in ansible.cfg resolve against the file, not the cwd', () => {
  const { root, opts } = workspace({ 'conf/ansible.cfg': '[defaults]\ninventory = ./inv\nroles_path = ../roles\n' });
  const s = loadConfig(opts({ env: { ANSIBLE_CONFIG: path.join(root, 'conf') } })).settings;
  assert.deepEqual(s.inventory, [path.join(root, 'conf/inv')]);
  assert.deepEqual(s.rolesPath, [path.join(root, 'roles')]);
});

test('ansible.cfg syntax follows configparser: colons, comments, continuations, case', () => {
  const cfg = parseAnsibleCfg('# top\n[defaults]\nForks: 3 ; inline\nx = a#b\nlong = one\n  two\n; c\n', 'f.cfg');
  const d = cfg.get('defaults')!;
  assert.equal(d.get('forks')!.value, '3');
  assert.deepEqual(d.get('forks')!.pos, { file: 'f.cfg', line: 3, col: 8 });
  assert.equal(d.get('x')!.value, 'a#b');
  assert.equal(d.get('long')!.value, 'one\ntwo');
});

test('booleans are read as ansible-core reads them', () => {
  const cases: Array<[unknown, boolean | undefined]> = [
    ['yes', true], ['Yes', true], ['on', true], ['1', true], ['true', true], ['y', true], ['t', true], [true, true], [1, true],
    ['no', false], ['OFF', false], ['0', false], ['False', false], ['n', false], ['f', false], [false, false], [0, false],
    ['maybe', undefined], ['', undefined], [2, undefined],
  ];
  for (const [input, expected] of cases) assert.equal(parseBool(input), expected, String(input));
});

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof UserError, String(err));
    return err;
  }
  assert.fail('expected a UserError');
}

test('bad values are errors that say where they came from', () => {
  const cfg = workspace({ 'cwd/ansible.cfg': '[defaults]\nforks = abc\n' });
  const e1 = userError(() => loadConfig(cfg.opts()));
  assert.deepEqual(e1.pos, { file: path.join(cfg.root, 'cwd/ansible.cfg'), line: 2, col: 9 });
  assert.match(e1.message, /ansible\.cfg:2:9: forks: expected a whole number, got 'abc'$/);

  const env = workspace();
  assert.match(userError(() => loadConfig(env.opts({ env: { ANSIBLE_HOST_KEY_CHECKING: 'perhaps' } }))).message, /ANSIBLE_HOST_KEY_CHECKING: expected a boolean/);
  assert.match(userError(() => loadConfig(env.opts({ env: { ANSIBLE_GATHERING: 'lazy' } }))).message, /ANSIBLE_GATHERING: expected one of implicit, explicit, smart, got 'lazy'/);
  assert.match(userError(() => loadConfig(env.opts({ env: { ANSIBLE_FORKS: '0' } }))).message, /ANSIBLE_FORKS: expected a number of at least 1/);

  const yml = workspace({ 'cwd/playwatch.yml': 'runs_dir: x\nforks: many\n' });
  const e2 = userError(() => loadConfig(yml.opts()));
  assert.deepEqual(e2.pos, { file: path.join(yml.root, 'cwd/playwatch.yml'), line: 2, col: 8 });
  assert.match(e2.message, /forks: expected a whole number, got 'many'/);

  const list = workspace({ 'cwd/playwatch.yml': 'secrets: {a: 1}\n' });
  assert.match(userError(() => loadConfig(list.opts())).message, /secrets: expected a list of strings/);
});

test('an unknown key in playwatch.yml is an error with a suggestion', () => {
  const { root, opts } = workspace({ 'cwd/playwatch.yml': 'forks: 3\nrole_path: roles\n' });
  const err = userError(() => loadConfig(opts()));
  assert.deepEqual(err.pos, { file: path.join(root, 'cwd/playwatch.yml'), line: 2, col: 1 });
  assert.match(err.message, /unknown setting 'role_path' in playwatch\.yml \(did you mean 'roles_path'\?\)/);
});

test('malformed playwatch.yml and ansible.cfg are errors with positions', () => {
  const yml = workspace({ 'cwd/playwatch.yml': 'forks: [1\n' });
  assert.match(userError(() => loadConfig(yml.opts())).message, /playwatch\.yml:2:1: invalid YAML/);
  const notMap = workspace({ 'cwd/playwatch.yml': '- forks\n' });
  assert.match(userError(() => loadConfig(notMap.opts())).message, /playwatch\.yml:1:1: playwatch\.yml must be a mapping/);
  const noSection = workspace({ 'cwd/ansible.cfg': 'forks = 3\n' });
  assert.match(userError(() => loadConfig(noSection.opts())).message, /ansible\.cfg:1:1: expected a \[section\] header/);
  const dup = workspace({ 'cwd/ansible.cfg': '[defaults]\nforks = 3\nFORKS = 4\n' });
  assert.match(userError(() => loadConfig(dup.opts())).message, /ansible\.cfg:3:1: 'forks' appears twice in \[defaults\]/);
});

test('an empty playwatch.yml is fine', () => {
  const { opts } = workspace({ 'cwd/playwatch.yml': '# nothing yet\n' });
  assert.equal(loadConfig(opts()).settings.forks, 5);
});

test('inventory settings: the script timeout from playwatch.yml, ignored extensions as ansible-core reads them', () => {
  const { opts } = workspace();
  const d = loadConfig(opts()).settings;
  assert.equal(d.inventoryScriptTimeout, 30);
  assert.deepEqual(d.inventoryIgnoreExtensions, ['.pyc', '.pyo', '.swp', '.bak', '~', '.rpm', '.md', '.txt', '.rst', '.orig', '.ini', '.cfg', '.retry']);
  const rows: Array<[Record<string, string>, Record<string, string>, number, string[]]> = [
    [{ 'cwd/ansible.cfg': '[defaults]\ninventory_ignore_extensions = .md, .bak\n' }, {}, 30, ['.md', '.bak']],
    [{ 'cwd/playwatch.yml': 'inventory_script_timeout: 5\ninventory_ignore_extensions: [.txt]\n' }, {}, 5, ['.txt']],
    [{}, { ANSIBLE_INVENTORY_IGNORE: '.orig,.old', PLAYWATCH_INVENTORY_SCRIPT_TIMEOUT: '90' }, 90, ['.orig', '.old']],
  ];
  for (const [files, env, timeout, exts] of rows) {
    const s = workspace(files).opts({ env }) as Parameters<typeof loadConfig>[0];
    const c = loadConfig(s).settings;
    assert.equal(c.inventoryScriptTimeout, timeout, JSON.stringify(files));
    assert.deepEqual(c.inventoryIgnoreExtensions, exts, JSON.stringify(files));
  }
});

test('ansible.cfg keys of real projects: private_key_file, callbacks_enabled, stdout_callback, ssh_args, become_ask_pass, retry_files_save_path', () => {
  const { root, opts } = workspace({
    'cwd/ansible.cfg': [
      '[defaults]',
      'private_key_file = keys/deploy_ed25519',
      'callbacks_enabled = ansible.posix.profile_tasks, timer',
      'stdout_callback = default',
      'retry_files_save_path = ~/.ansible-retry',
      '[ssh_connection]',
      'ssh_args = -o ControlMaster=auto -o ControlPersist=60s -o ProxyJump=bastion.example.net',
      '[privilege_escalation]',
      'become_ask_pass = True',
    ].join('\n'),
  });
  const c = loadConfig(opts());
  const s = c.settings;
  assert.equal(s.privateKeyFile, path.join(root, 'cwd/keys/deploy_ed25519'), 'relative to ansible.cfg');
  assert.deepEqual(s.callbacksEnabled, ['ansible.posix.profile_tasks', 'timer']);
  assert.equal(s.stdoutCallback, 'default');
  assert.equal(s.sshArgs, '-o ControlMaster=auto -o ControlPersist=60s -o ProxyJump=bastion.example.net');
  assert.equal(s.becomeAskPass, true);
  assert.equal(s.retryFilesSavePath, path.join(root, 'home/.ansible-retry'));
  assert.deepEqual(c.warnings, [], 'profile callbacks are built in, ControlPersist is moot: nothing to say');
});

const NOTES: Array<[cfg: string, note: RegExp]> = [
  ['[defaults]\nstdout_callback = yaml\n', /^stdout_callback = yaml is ignored: playwatch shows the run in its own views \(--ui tui, plain or json\)$/],
  ['[defaults]\ncallbacks_enabled = profile_tasks, community.general.mail, junit\n', /^callbacks_enabled: community\.general\.mail, junit are ansible-core callback plugins playwatch does not run/],
  ['[ssh_connection]\nssh_args = -C -o ControlPersist=60s -o ForwardAgent=yes\n', /^ssh_args: -C -o ForwardAgent=yes are not honoured by playwatch's SSH client/],
];

for (const [cfg, note] of NOTES) {
  test(`ansible.cfg ${cfg.split('\n')[1]} gives one note`, () => {
    const { opts } = workspace({ 'cwd/ansible.cfg': cfg });
    const c = loadConfig(opts());
    assert.equal(c.warnings.length, 1, c.warnings.join('\n'));
    assert.match(c.warnings[0], note);
  });
}
