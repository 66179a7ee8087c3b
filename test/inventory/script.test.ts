import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { UserError } from '../../src/model/index.js';
import { inventoryListing, loadInventory, type LoadOptions } from '../../src/inventory/index.js';
import { inventoryTemplater } from '../../src/cli/inventory-options.js';
import { writeTree } from './helpers.js';
import { writeSource } from './real-sources.js';

const OPTS: LoadOptions = { templater: inventoryTemplater };

/** Each group's direct hosts, as `ansible-inventory --list` printed them for the same source (ansible-core 2.14). */
const EXPECTED: Array<[source: string, groups: Record<string, string[]>, someVars: Record<string, Record<string, unknown>>]> = [
  [
    'script with _meta',
    { web: ['web1', 'web2'], db: ['db1'], prod: [] },
    { web1: { ansible_host: '10.0.0.1', env: 'prod', http_port: 8080, rack: 'r1' }, db1: { ansible_port: 2222, env: 'prod' } },
  ],
  ['script without _meta', { app: ['app1', 'app2'], ungrouped: ['solo'] }, { app1: { role: 'primary', weight: 3 }, app2: { role: 'replica' } }],
  [
    'directory of INI, YAML and a script',
    { web: ['web1', 'web2'], lb: ['lb1'], db: ['db1', 'web1'] },
    { web1: { ansible_host: '10.0.0.1', engine: 'pg', env: 'prod', from: 'ini', from_group_vars: true, http_port: 8080, rack: 'r1', size: 2 } },
  ],
  [
    'constructed source after a static one',
    { web: ['a1', 'a2'], debian_hosts: ['a1'], in_r1: ['a1', 'a3'], os_debian: ['a1'], os_centos: ['a2'], r1: ['a1', 'a3'], r2: ['a2'], tag_blue: ['a1'], tag_green: ['a1'] },
    {
      a1: { is_front: true, label: 'r1-front', next_port: '23', os: 'debian', port: 22, rack: 'r1', tags: ['blue', 'green'], tier: 'front' },
      a3: { rack: 'r1' },
    },
  ],
];

for (const [name, groups, someVars] of EXPECTED) {
  test(`a ${name} gives the groups, hosts and host vars ansible-inventory gives`, () => {
    const { source } = writeSource(name);
    const listing = inventoryListing(loadInventory([source], OPTS)) as unknown as Record<string, { hosts?: string[] }>;
    for (const [g, hosts] of Object.entries(groups)) assert.deepEqual(listing[g]?.hosts ?? [], hosts, `group ${g}`);
    const hostvars = (listing._meta as unknown as { hostvars: Record<string, unknown> }).hostvars;
    for (const [h, vars] of Object.entries(someVars)) assert.deepEqual(hostvars[h], vars, `host ${h}`);
  });
}

test('a directory skips what ansible-core skips (hosts.ini, README.md, group_vars) and reads the rest in name order', () => {
  const { source } = writeSource('directory of INI, YAML and a script');
  const inv = loadInventory([source], OPTS);
  assert.equal(inv.hosts.has('never'), false);
  assert.equal(inv.groups.has('ignored'), false);
  // 01-static's vars come first, 03-dynamic's http_port=8080 replaces its 80.
  assert.deepEqual([...inv.hosts.keys()], ['web1', 'lb1', 'db1', 'web2']);
  assert.equal(inv.groups.get('web')!.vars.http_port, 8080);
  // ansible.cfg's inventory_ignore_extensions replaces the list.
  const all = loadInventory([source], { ...OPTS, ignoreExts: ['.md'] });
  assert.equal(all.hosts.has('never'), true);
});

test('several sources merge in the order given', () => {
  const dir = writeTree({ 'a.ini': '[web]\nw1 x=1\n', 'b.yml': 'all:\n  hosts:\n    w1: {x: 2}\n    w2:\n' });
  const inv = loadInventory(['a.ini', 'b.yml'], { cwd: dir });
  assert.deepEqual(inv.hosts.get('w1')!.vars, { x: 2 });
  assert.deepEqual([...inv.hosts.keys()], ['w1', 'w2']);
  assert.deepEqual(loadInventory(['b.yml', 'a.ini'], { cwd: dir }).hosts.get('w1')!.vars, { x: 1 });
});

function script(body: string, name = 'inv.sh'): string {
  const dir = writeTree({ [name]: `#!/bin/sh\n${body}\n` });
  fs.chmodSync(path.join(dir, name), 0o755);
  return path.join(dir, name);
}

// [what the script does, its body, the error expected]
const BROKEN: Array<[string, string, RegExp]> = [
  ['prints junk', `echo 'Traceback: boto not installed'`, /inv\.sh --list printed output that is not JSON .*it began with: "Traceback: boto not installed"/],
  ['exits non-zero', `echo 'first line' >&2; echo 'credentials expired' >&2; exit 3`, /inv\.sh --list exited with status 3; stderr: first line\n  credentials expired$/],
  ['is killed by a signal', `kill -9 $$`, /inv\.sh --list was killed by SIGKILL \(no stderr\)/],
  ['prints a list', `echo '[1, 2]'`, /inv\.sh must print a JSON object \(groups to hosts\), got a list/],
  ['gives a group a host string', `echo '{"web": {"hosts": "web1"}}'`, /group 'web' has bad data for its host list: expected a list of host names, got string "web1"/],
  ['gives a group vars that are a list', `echo '{"web": {"hosts": [], "vars": [1]}}'`, /group 'web' has bad data for its variables/],
  ['prints a --host answer that is not JSON', `[ "$1" = --list ] && echo '{"web": ["w1"]}' || echo oops`, /inv\.sh --host w1 printed output that is not JSON/],
];

for (const [what, body, expected] of BROKEN) {
  test(`an inventory script that ${what} is one error naming the file`, () => {
    const file = script(body);
    assert.throws(() => loadInventory([file]), (err: unknown) => {
      assert.ok(err instanceof UserError);
      assert.match(err.message, expected);
      assert.ok(err.message.includes(file), err.message);
      return true;
    });
  });
}

test('an inventory script that hangs is killed after the timeout, with what it started', () => {
  const dir = writeTree({});
  const file = script(`sleep 30 & echo $! > ${dir}/child.pid; echo 'waiting for the API' >&2; wait`);
  const started = Date.now();
  assert.throws(() => loadInventory([file], { scriptTimeoutMs: 400 }), /inv\.sh --list did not finish within 0\.4 s and was killed \(inventory_script_timeout .*\); stderr: waiting for the API/);
  assert.ok(Date.now() - started < 5000);
  const pid = Number(fs.readFileSync(path.join(dir, 'child.pid'), 'utf8'));
  // SIGKILL is delivered at once but acted on when the process is next scheduled: allow a busy machine a moment.
  for (let i = 0; i < 30 && alive(pid); i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  assert.ok(!alive(pid), `the script's child ${pid} is still running`);
});

/** Running (gone, or a zombie waiting for its reaper, does not count). */
function alive(pid: number): boolean {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  return !/^\d+ \(.*\) [ZX]/.test(stat);
}

test('a script with a shebang that is not executable says to make it executable', () => {
  const dir = writeTree({ 'hosts.sh': '#!/bin/sh\necho \'{"web": ["w1"]}\'\n' });
  assert.throws(() => loadInventory([path.join(dir, 'hosts.sh')]), /hosts\.sh starts with '#!' but is not executable.*chmod \+x/);
});

test('an executable INI file without a shebang is read as INI, as ansible-core falls back to it', () => {
  const dir = writeTree({ hosts: '[web]\nw1\n' });
  fs.chmodSync(path.join(dir, 'hosts'), 0o755);
  assert.deepEqual([...loadInventory([path.join(dir, 'hosts')]).hosts.keys()], ['w1']);
});

test('ansible-inventory --list output saved as .json loads as the script output it is', () => {
  const json = { _meta: { hostvars: { w1: { x: 1 } } }, all: { children: ['ungrouped', 'web'] }, web: { hosts: ['w1'] } };
  const dir = writeTree({ 'inv.json': JSON.stringify(json) });
  const inv = loadInventory([path.join(dir, 'inv.json')]);
  assert.deepEqual(inv.hosts.get('w1')!.vars, { x: 1 });
  assert.deepEqual(inv.hosts.get('w1')!.groups, ['web']);
});

// [plugin config, the error expected]
const PLUGINS: Array<[string, RegExp]> = [
  [
    'plugin: amazon.aws.aws_ec2\nregions: [eu-west-1]\n',
    /inv\.yml:1:9: inventory plugin 'amazon\.aws\.aws_ec2' is not built into playwatch .*`ansible-inventory -i .*inv\.yml --list --yaml > inventory\.yml`.*ansible-playbook/,
  ],
  ['plugin: yaml\nall:\n  hosts: {h1: }\n', /inv\.yml:1:9: 'plugin: yaml' is not an inventory: the yaml plugin reads inventory files directly/],
  ['plugin: ansible.builtin.ini\n', /'plugin: ansible\.builtin\.ini' is not an inventory/],
  ['plugin: constructed\nkeyd_groups: []\n', /\(constructed\): unknown option 'keyd_groups' \(did you mean 'keyed_groups'\?\)/],
  ['plugin: constructed\nkeyed_groups: [{key: port}]\n', /keyed_groups key 'port' gave an int for host h1: it must give a string/],
  ['plugin: constructed\nstrict: true\ncompose: {x: nope + 1}\n', /\(constructed\): could not set x for host h1: .*nope/],
  ['plugin: constructed\nstrict: true\ngroups: {g: nope}\n', /could not add host h1 to group g/],
  ['plugin: constructed\nstrict: true\nkeyed_groups: [{key: nope}]\n', /could not make a group for host h1 from key 'nope'/],
];

for (const [config, expected] of PLUGINS) {
  test(`a plugin config '${config.split('\n')[0]}${config.includes('strict') ? ' (strict)' : ''}' is one clear error`, () => {
    const dir = writeTree({ 'a.ini': 'h1 port=22\n', 'inv.yml': config });
    assert.throws(() => loadInventory(['a.ini', 'inv.yml'], { ...OPTS, cwd: dir }), expected);
  });
}

test('constructed without strict skips what it cannot evaluate, as ansible-core does', () => {
  const dir = writeTree({ 'a.ini': 'h1 port=22\n', 'c.yml': 'plugin: constructed\ncompose: {x: nope + 1, y: port * 2}\ngroups: {g: nope}\nkeyed_groups: [{key: nope}]\n' });
  const inv = loadInventory(['a.ini', 'c.yml'], { ...OPTS, cwd: dir });
  assert.deepEqual(inv.hosts.get('h1')!.vars, { port: 22, y: '44' });
  assert.deepEqual(inv.hosts.get('h1')!.groups, ['ungrouped']);
});
