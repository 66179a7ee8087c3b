import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Vars } from '../../src/model/index.js';
import { setupModule } from '../../src/modules/setup.js';
import { parseFacts } from '../../src/modules/setup-facts.js';
import { factsScript } from '../../src/modules/setup-script.js';
import { filterFacts, resolveSubsets } from '../../src/modules/setup-subsets.js';
import type { ModuleContext } from '../../src/modules/types.js';
import { fakeContext, tempDir } from './context.js';
import { makeFixture } from '../transport/ssh-helpers.js';
import { FACTS_D, writeFactsD } from './facts-d.js';

/**
 * A fact's shape as ansible-core 2.14 gives it (`ansible -m setup` on
 * Debian 12): a type name, `list<str>`, or a mapping whose keys are
 * exactly those listed.
 */
type Shape = 'str' | 'int' | 'num' | 'bool' | 'list<str>' | 'dict<str>' | 'dict' | { [key: string]: Shape };

const S = 'str' as const;
const I = 'int' as const;

const DATE_TIME: Shape = {
  year: S, month: S, weekday: S, weekday_number: S, weeknumber: S, day: S, hour: S, minute: S, second: S,
  epoch: S, epoch_int: S, date: S, time: S, iso8601_micro: S, iso8601: S, iso8601_basic: S, iso8601_basic_short: S,
  tz: S, tz_dst: S, tz_offset: S,
};

/** The facts deploy playbooks use, and their shapes, on a Linux host with the usual tools. */
const SHAPES: Record<string, Shape> = {
  ansible_hostname: S, ansible_fqdn: S, ansible_nodename: S, ansible_domain: S,
  ansible_system: S, ansible_kernel: S, ansible_kernel_version: S, ansible_machine: S, ansible_architecture: S, ansible_userspace_bits: S,
  ansible_os_family: S, ansible_distribution: S, ansible_distribution_version: S, ansible_distribution_major_version: S, ansible_distribution_release: S,
  ansible_processor: 'list<str>', ansible_processor_count: I, ansible_processor_cores: I, ansible_processor_threads_per_core: I,
  ansible_processor_vcpus: I, ansible_processor_nproc: I,
  ansible_memtotal_mb: I, ansible_memfree_mb: I, ansible_swaptotal_mb: I, ansible_swapfree_mb: I,
  ansible_memory_mb: { real: { total: I, used: I, free: I }, nocache: { free: I, used: I }, swap: { total: I, free: I, used: I, cached: I } },
  ansible_uptime_seconds: I,
  ansible_date_time: DATE_TIME,
  ansible_env: 'dict<str>',
  ansible_user_id: S, ansible_user_uid: I, ansible_user_gid: I, ansible_user_dir: S, ansible_user_shell: S, ansible_user_gecos: S,
  ansible_real_user_id: I, ansible_effective_user_id: I, ansible_real_group_id: I, ansible_effective_group_id: I,
  ansible_service_mgr: S, ansible_pkg_mgr: S,
  ansible_cmdline: 'dict', ansible_proc_cmdline: 'dict', ansible_dns: 'dict',
  ansible_loadavg: { '1m': 'num', '5m': 'num', '15m': 'num' },
  ansible_apparmor: { status: S }, ansible_fips: 'bool', ansible_is_chroot: 'bool',
  gather_subset: 'list<str>', module_setup: 'bool',
};

/** Network facts, there when the host has `ip` (ansible-core has none without it either). */
const NETWORK_SHAPES: Record<string, Shape> = {
  ansible_interfaces: 'list<str>', ansible_all_ipv4_addresses: 'list<str>', ansible_all_ipv6_addresses: 'list<str>',
  ansible_default_ipv4: 'dict', ansible_default_ipv6: 'dict',
};

/** Where a value differs from its shape, as `path: expected, got value`; [] when it fits. */
function misfits(value: unknown, shape: Shape, at: string): string[] {
  const type = Array.isArray(value) ? 'list' : value === null ? 'null' : typeof value;
  const bad = (): string[] => [`${at}: ${typeof shape === 'string' ? shape : 'dict'}, got ${JSON.stringify(value)?.slice(0, 80)}`];
  switch (shape) {
    case 'str': return type === 'string' ? [] : bad();
    case 'int': return Number.isInteger(value) ? [] : bad();
    case 'num': return type === 'number' ? [] : bad();
    case 'bool': return type === 'boolean' ? [] : bad();
    case 'list<str>': return type === 'list' && (value as unknown[]).every((v) => typeof v === 'string') ? [] : bad();
    case 'dict': return type === 'object' ? [] : bad();
    case 'dict<str>': return type === 'object' && Object.values(value as object).every((v) => typeof v === 'string') ? [] : bad();
    default: {
      if (type !== 'object') return bad();
      const keys = Object.keys(value as object).sort();
      const want = Object.keys(shape).sort();
      if (keys.join() !== want.join()) return [`${at}: keys ${want.join(',')}, got ${keys.join(',')}`];
      return want.flatMap((k) => misfits((value as Vars)[k], shape[k], `${at}.${k}`));
    }
  }
}

const hasIp = (() => {
  try {
    execSync('command -v ip', { stdio: 'ignore', shell: '/bin/sh' });
    return true;
  } catch {
    return false;
  }
})();

test('setup gathers every fact deploy playbooks use, typed as ansible-core types them, in one command', async () => {
  const ctx = fakeContext('setup', {}, { root: tempDir() });
  const r = await setupModule.run(ctx);
  assert.equal(ctx.commands.length, 1);
  assert.equal(r.failed, undefined);
  assert.equal(r.changed, false);
  const f = r.ansible_facts as Vars;
  const shapes = { ...SHAPES, ...(hasIp ? NETWORK_SHAPES : {}) };
  const wrong = Object.entries(shapes).flatMap(([k, shape]) => (k in f ? misfits(f[k], shape, k) : [`${k}: missing`]));
  assert.deepEqual(wrong, []);
  if (!hasIp) for (const k of Object.keys(NETWORK_SHAPES)) assert.equal(k in f, false, `${k} without ip`);
  assert.equal(f.ansible_nodename, os.hostname());
  assert.equal(f.ansible_hostname, os.hostname().split('.')[0]);
  assert.equal(f.ansible_user_id, os.userInfo().username);
  assert.equal(f.ansible_user_uid, os.userInfo().uid);
  assert.equal(f.ansible_user_dir, os.userInfo().homedir);
  assert.equal(f.ansible_system, os.type());
  assert.equal(f.ansible_kernel, os.release());
  assert.equal(f.ansible_architecture, { x64: 'x86_64', arm64: 'aarch64' }[process.arch as string] ?? f.ansible_architecture);
  assert.equal(f.ansible_processor_nproc, os.availableParallelism());
  assert.equal(f.ansible_memtotal_mb, Math.floor(os.totalmem() / 1024 / 1024));
  assert.ok(Math.abs(Number((f.ansible_date_time as Vars).epoch) - Date.now() / 1000) < 60);
  assert.deepEqual(f.gather_subset, ['all']);
  if (hasIp) assert.equal(typeof (f.ansible_default_ipv4 as Vars).address, 'string');
});

test('setup over SSH is one exec on the server, with the same facts', async (t) => {
  const fx = await makeFixture();
  t.after(() => fx.cleanup());
  // Exec mode: the server sees each command as an exec request, so they can be counted.
  const transport = fx.transport({ mode: 'exec' });
  const base = fakeContext('setup', { gather_subset: ['!all'] });
  const ctx: ModuleContext = { ...base, transport, exec: (cmd, opts) => transport.exec(cmd, opts) };
  await transport.exec('true');
  const before = fx.server.execs.length;
  const r = await setupModule.run(ctx);
  assert.equal(fx.server.execs.length - before, 1);
  assert.match(fx.server.execs.at(-1)!, /@@pw-[0-9a-f]+:platform/);
  const f = r.ansible_facts as Vars;
  assert.equal(f.ansible_hostname, os.hostname().split('.')[0]);
  assert.deepEqual(misfits(f.ansible_date_time, DATE_TIME, 'date_time'), []);
  assert.equal(typeof f.ansible_pkg_mgr, 'string');
  assert.equal('ansible_processor_vcpus' in f, false, '!all leaves hardware out');
});

/** A bin directory holding only these tools, for runs without the usual ones. */
function binWith(tools: string[]): string {
  const dir = tempDir();
  for (const t of tools) {
    const real = execSync(`command -v ${t}`, { shell: '/bin/sh' }).toString().trim();
    fs.symlinkSync(real, path.join(dir, t));
  }
  return dir;
}

const DEGRADED: { tools: string[]; present: string[]; absent: string[] }[] = [
  { tools: [], present: ['ansible_pkg_mgr', 'gather_subset'], absent: ['ansible_hostname', 'ansible_date_time', 'ansible_user_id', 'ansible_default_ipv4', 'ansible_processor_vcpus'] },
  {
    tools: ['uname', 'cat', 'id', 'date', 'env'],
    present: ['ansible_hostname', 'ansible_fqdn', 'ansible_date_time', 'ansible_user_id', 'ansible_memtotal_mb', 'ansible_service_mgr', 'ansible_env', 'ansible_distribution'],
    absent: ['ansible_default_ipv4', 'ansible_all_ipv4_addresses', 'ansible_processor_vcpus'],
  },
];

for (const { tools, present, absent } of DEGRADED) {
  test(`setup with only [${tools.join(' ')}] on the PATH still succeeds, leaving out the facts it cannot read`, async () => {
    const dir = binWith(tools);
    const base = fakeContext('setup', {});
    const ctx: ModuleContext = { ...base, exec: (cmd, opts) => base.exec(`PATH=${dir}; export PATH\n${cmd}`, opts) };
    const r = await setupModule.run(ctx);
    assert.equal(r.failed, undefined, String(r.msg));
    const f = r.ansible_facts as Vars;
    assert.deepEqual(present.filter((k) => !(k in f)), [], 'missing');
    assert.deepEqual(absent.filter((k) => k in f), [], 'should be absent');
    if (tools.includes('uname')) assert.equal(f.ansible_fqdn, f.ansible_nodename, 'no getent: the node name');
  });
}

/** What ansible-core 2.14 selects for each gather_subset (its facts, seen on Debian 12, by collector). */
const SUBSETS: [string[], string[]][] = [
  [[], ['all']],
  [['all'], ['all']],
  [['min'], ['min']],
  [['!all'], ['min']],
  [['!all', '!min'], []],
  [['network'], ['min', 'network']],
  [['hardware'], ['min', 'hardware']],
  [['!all', 'network'], ['min', 'network']],
  [['!all', '!min', 'network'], ['network', 'platform', 'distribution']],
  [['!all', '!min', 'processor_count'], ['hardware', 'platform']],
  [['!all', '!min', 'date_time'], ['date_time']],
  [['!hardware'], ['min']],
  [['all', '!hardware'], ['all-hardware']],
  [['all', '!network'], ['all-network']],
  [['!all', '!min', 'pkg_mgr'], ['pkg_mgr', 'distribution']],
  [['!all', '!min', 'service_mgr'], ['service_mgr', 'platform', 'distribution']],
  [['!foo'], ['min']],
];

const ALL = ['platform', 'distribution', 'lsb', 'selinux', 'apparmor', 'chroot', 'fips', 'python', 'caps', 'pkg_mgr', 'service_mgr', 'cmdline', 'date_time', 'env', 'loadavg', 'ssh_pub_keys', 'user', 'virtual', 'hardware', 'dns', 'fibre_channel_wwn', 'network', 'iscsi', 'nvme', 'local', 'facter', 'ohai'];
const MIN = ['apparmor', 'caps', 'cmdline', 'date_time', 'distribution', 'dns', 'env', 'fips', 'local', 'lsb', 'pkg_mgr', 'platform', 'python', 'selinux', 'service_mgr', 'ssh_pub_keys', 'user'];

function expand(names: string[]): string[] {
  return [...new Set(names.flatMap((n) => (n === 'all' ? ALL : n === 'min' ? MIN : n.startsWith('all-') ? ALL.filter((c) => c !== n.slice(4)) : [n])))].sort();
}

for (const [spec, want] of SUBSETS) {
  test(`gather_subset [${spec.join(', ')}] selects the collectors ansible-core selects`, () => {
    const r = resolveSubsets(spec);
    assert.ok('collectors' in r);
    assert.deepEqual([...r.collectors].sort(), expand(want));
  });
}

test('an unknown gather_subset is the error ansible-core gives, listing the names it knows', () => {
  const r = resolveSubsets(['bogus']);
  assert.ok('error' in r);
  assert.match(r.error, /^Bad subset 'bogus' given to Ansible\. gather_subset options allowed: all, all_ipv4_addresses, all_ipv6_addresses, apparmor, architecture, caps, /);
});

test('the script runs only the probes of the selected collectors', () => {
  const script = (spec: string[]) => {
    const r = resolveSubsets(spec);
    assert.ok('collectors' in r);
    return factsScript(r.collectors, 'n');
  };
  assert.doesNotMatch(script(['!all']), /ip -o|cpuinfo/);
  assert.match(script(['!all', 'network']), /ip -o addr/);
  assert.doesNotMatch(script(['!all', '!min']), /uname|date|env/);
});

const FACTS = { ansible_date_time: {}, ansible_memtotal_mb: 1, ansible_memfree_mb: 1, ansible_swapfree_mb: 0, ansible_eth0: {}, ansible_eth1: {}, ansible_eth12: {}, ansible_env: {}, gather_subset: [] };

const FILTERS: [string[], string[]][] = [
  [[], Object.keys(FACTS)],
  [['*'], Object.keys(FACTS)],
  [['ansible_date*'], ['ansible_date_time']],
  [['*_mb'], ['ansible_memtotal_mb', 'ansible_memfree_mb', 'ansible_swapfree_mb']],
  [['mem*_mb'], ['ansible_memtotal_mb', 'ansible_memfree_mb']],
  [['ansible_eth[0-1]'], ['ansible_eth0', 'ansible_eth1']],
  [['ansible_eth[!0]'], ['ansible_eth1']],
  [['ansible_eth?'], ['ansible_eth0', 'ansible_eth1']],
  [['env', 'date_time'], ['ansible_date_time', 'ansible_env']],
  [['gather_subset'], ['gather_subset']],
];

for (const [patterns, keys] of FILTERS) {
  test(`filter [${patterns.join(', ')}] keeps the facts fnmatch keeps`, () => {
    assert.deepEqual(Object.keys(filterFacts(FACTS, patterns)), keys);
  });
}

test('setup filter keeps only matching facts', async () => {
  const r = await setupModule.run(fakeContext('setup', { filter: 'ansible_date*' }));
  assert.deepEqual(Object.keys(r.ansible_facts as object), ['ansible_date_time']);
});

test('a bad gather_subset is refused at load with its position', () => {
  assert.throws(() => setupModule.validate!({ gather_subset: ['hardwares'] }, { file: 'site.yml', line: 3, col: 7 }), /Bad subset 'hardwares'/);
  assert.doesNotThrow(() => setupModule.validate!({ gather_subset: '{{ subsets }}' }, { file: 'site.yml', line: 3, col: 7 }));
});

/** Output of the script on an Ubuntu 22.04 host with two sockets, a secondary address and resolv.conf options. */
const N = 'abc';
const UBUNTU = [
  `@@pw-${N}:platform`, 'Linux', '5.15.0-91-generic', '#101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023', 'x86_64', 'web1.example.com', '64', 'f0e1d2c3',
  `@@pw-${N}:fqdn`, '10.0.0.5      web1.example.com web1',
  `@@pw-${N}:os`, 'NAME="Ubuntu"', 'ID=ubuntu', 'ID_LIKE=debian', 'VERSION_ID="22.04"', 'VERSION_CODENAME=jammy', 'PW_DEBIAN_VERSION=bookworm/sid',
  `@@pw-${N}:lsb`, 'Distributor ID:\tUbuntu', 'Description:\tUbuntu 22.04.3 LTS', 'Release:\t22.04', 'Codename:\tjammy',
  `@@pw-${N}:security`, 'apparmor=enabled', 'selinux=', 'fips=0', 'chroot_env=', 'root=2049:2', 'proc1root=2049:2', 'rootfs=ext2/ext3',
  `@@pw-${N}:pkg`, '/usr/bin/apt-get', '/usr/bin/dnf',
  `@@pw-${N}:svc`, 'proc1=systemd', 'init=/lib/systemd/systemd', 'systemctl', 'canary', 'initd',
  `@@pw-${N}:cmdline`, 'BOOT_IMAGE=/vmlinuz ro quiet console=tty0 console=ttyS0',
  `@@pw-${N}:date`, '2024|03|05|14|07|09|1709647629|123456789|CET|+0100|Tuesday|2|10', '+0100|CET', '+0200|CEST',
  `@@pw-${N}:loadavg`, '0.52 0.58 0.59 1/389 12345',
  `@@pw-${N}:sshkeys`, '/etc/ssh ed25519 ssh-ed25519 AAAAC3Nz root@web1', '/etc rsa ssh-rsa AAAAB3 root@old',
  `@@pw-${N}:user`, 'deploy', '1001', '1001', '1001', '1001', 'deploy:x:1001:1001:Deploy User,,,:/home/deploy:/bin/bash',
  `@@pw-${N}:dns`, '# generated', 'nameserver 10.0.0.2', 'nameserver 10.0.0.3', 'search example.com corp.example.com', 'options edns0 ndots:2',
  `@@pw-${N}:cpu`,
  'processor\t: 0', 'vendor_id\t: GenuineIntel', 'model name\t: Xeon', 'physical id\t: 0', 'siblings\t: 4', 'core id\t: 0', 'cpu cores\t: 2',
  'processor\t: 1', 'vendor_id\t: GenuineIntel', 'model name\t: Xeon', 'physical id\t: 1', 'siblings\t: 4', 'core id\t: 0', 'cpu cores\t: 2',
  'nproc: 8',
  `@@pw-${N}:mem`, 'MemTotal:        8039936 kB', 'MemFree:         1048576 kB', 'Buffers:          102400 kB', 'Cached:          2097152 kB', 'SwapCached:            0 kB', 'SwapTotal:       2097148 kB', 'SwapFree:        2097148 kB', 'Uptime: 12345.67',
  `@@pw-${N}:dmi`, 'bios_vendor=SeaBIOS', 'product_serial=', 'sys_vendor=QEMU',
  `@@pw-${N}:ip`,
  '@link',
  '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
  '2: ens3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP mode DEFAULT group default qlen 1000\\    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff',
  '3: veth-a@if4: <BROADCAST,MULTICAST,PROMISC> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether 0a:58:0a:f4:00:01 brd ff:ff:ff:ff:ff:ff link-netnsid 0',
  '@addr',
  '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever',
  '2: ens3    inet 10.0.0.5/24 brd 10.0.0.255 scope global ens3\\       valid_lft forever preferred_lft forever',
  '2: ens3    inet 10.0.0.9/24 brd 10.0.0.255 scope global secondary ens3:1\\       valid_lft forever preferred_lft forever',
  '2: ens3    inet6 fe80::5054:ff:fe12:3456/64 scope link \\       valid_lft forever preferred_lft forever',
  '@route4', '8.8.8.8 via 10.0.0.1 dev ens3 src 10.0.0.5 uid 1001 ', '    cache ',
  '@route6',
  `@@pw-${N}:env`, 'HOME=/home/deploy\0MULTI=line one\nline two\n@@pw-abc:fake\0PATH=/bin\0',
].join('\n');

test('parsing the script output gives ansible-core\'s names, values and types', () => {
  const all = resolveSubsets([]);
  assert.ok('collectors' in all);
  const f = parseFacts(UBUNTU, N, all.collectors);
  const want: Vars = {
    hostname: 'web1', nodename: 'web1.example.com', fqdn: 'web1.example.com', domain: 'example.com',
    kernel_version: '#101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023', userspace_architecture: 'x86_64', machine_id: 'f0e1d2c3',
    os_family: 'Debian', distribution: 'Ubuntu', distribution_version: '22.04', distribution_major_version: '22',
    distribution_minor_version: '04', distribution_release: 'jammy',
    lsb: { id: 'Ubuntu', description: 'Ubuntu 22.04.3 LTS', release: '22.04', codename: 'jammy', major_release: '22' },
    apparmor: { status: 'enabled' }, selinux: { status: 'disabled' }, fips: false, is_chroot: false,
    pkg_mgr: 'apt', service_mgr: 'systemd',
    cmdline: { BOOT_IMAGE: '/vmlinuz', ro: true, quiet: true, console: 'ttyS0' },
    proc_cmdline: { BOOT_IMAGE: '/vmlinuz', ro: true, quiet: true, console: ['tty0', 'ttyS0'] },
    loadavg: { '1m': 0.52, '5m': 0.58, '15m': 0.59 },
    ssh_host_key_ed25519_public: 'AAAAC3Nz', ssh_host_key_ed25519_public_keytype: 'ssh-ed25519',
    user_id: 'deploy', user_uid: 1001, user_gid: 1001, user_gecos: 'Deploy User,,,', user_dir: '/home/deploy', user_shell: '/bin/bash',
    dns: { nameservers: ['10.0.0.2', '10.0.0.3'], search: ['example.com', 'corp.example.com'], options: { edns0: true, ndots: '2' } },
    processor: ['0', 'GenuineIntel', 'Xeon', '1', 'GenuineIntel', 'Xeon'],
    processor_count: 2, processor_cores: 2, processor_threads_per_core: 2, processor_vcpus: 8, processor_nproc: 8,
    memtotal_mb: 7851, memfree_mb: 1024, swaptotal_mb: 2047, swapfree_mb: 2047, uptime_seconds: 12345,
    memory_mb: { real: { total: 7851, used: 6827, free: 1024 }, nocache: { free: 3172, used: 4679 }, swap: { total: 2047, free: 2047, used: 0, cached: 0 } },
    bios_vendor: 'SeaBIOS', product_serial: 'NA', system_vendor: 'QEMU',
    interfaces: ['lo', 'ens3', 'veth-a'],
    all_ipv4_addresses: ['10.0.0.5', '10.0.0.9'],
    all_ipv6_addresses: ['fe80::5054:ff:fe12:3456'],
    default_ipv4: {
      interface: 'ens3', address: '10.0.0.5', gateway: '10.0.0.1', broadcast: '10.0.0.255', netmask: '255.255.255.0',
      network: '10.0.0.0', prefix: '24', alias: 'ens3', macaddress: '52:54:00:12:34:56', mtu: 1500, type: 'ether',
    },
    default_ipv6: {},
    veth_a: { device: 'veth-a', active: false, promisc: true, type: 'ether', mtu: 1500, macaddress: '0a:58:0a:f4:00:01' },
    env: { HOME: '/home/deploy', MULTI: 'line one\nline two\n@@pw-abc:fake', PATH: '/bin' },
  };
  const got = Object.fromEntries(Object.keys(want).map((k) => [k, f[k]]));
  assert.deepEqual(got, want);
  assert.deepEqual((f.ens3 as Vars).ipv4_secondaries, [{ address: '10.0.0.9', broadcast: '10.0.0.255', netmask: '255.255.255.0', network: '10.0.0.0', prefix: '24' }]);
  assert.deepEqual((f.date_time as Vars).tz_dst, 'CEST');
  assert.equal((f.date_time as Vars).iso8601_micro, '2024-03-05T14:07:09.123456Z');
  assert.equal((f.date_time as Vars).iso8601_basic, '20240305T140709123456');
});

test('service manager and package manager follow ansible-core\'s rules', () => {
  const all = resolveSubsets(['!all', '!min', 'service_mgr', 'pkg_mgr']);
  assert.ok('collectors' in all);
  const run = (os: string[], pkg: string[], svc: string[]) =>
    parseFacts([`@@pw-n:platform`, 'Linux', '', '', 'x86_64', 'h', '64', '', '@@pw-n:os', ...os, '@@pw-n:pkg', ...pkg, '@@pw-n:svc', ...svc].join('\n'), 'n', all.collectors);
  const cases: [string[], string[], string[], string, string][] = [
    [['ID=debian', 'PW_DEBIAN_VERSION=12.4'], ['/usr/bin/apt-get', '/usr/bin/yum'], ['proc1=systemd'], 'apt', 'systemd'],
    [['ID=rocky', 'ID_LIKE="rhel centos fedora"', 'VERSION_ID="9.3"'], ['/usr/bin/yum', '/usr/bin/dnf'], ['proc1=bash', 'systemctl', 'canary'], 'dnf', 'systemd'],
    [['ID=centos', 'ID_LIKE="rhel fedora"', 'VERSION_ID="7"'], ['/usr/bin/yum'], ['proc1=init', 'initd'], 'yum', 'sysvinit'],
    [['ID=alpine', 'VERSION_ID=3.19.0'], ['/sbin/apk'], ['proc1=init', 'openrc', 'initd'], 'apk', 'openrc'],
    [['ID=alpine'], [], ['proc1=runit-init'], 'unknown', 'runit'],
    [[], [], ['ps1=', 'init='], 'unknown', 'service'],
  ];
  for (const [osRel, pkg, svc, pkgMgr, serviceMgr] of cases) {
    const f = run(osRel, pkg, svc);
    assert.deepEqual([f.pkg_mgr, f.service_mgr], [pkgMgr, serviceMgr], JSON.stringify(osRel));
  }
});

test('local facts: each facts.d file as JSON, else INI, an executable one by its output; failures become messages', async () => {
  const dir = writeFactsD();
  const r = await setupModule.run(fakeContext('setup', { fact_path: dir, gather_subset: ['!all'] }));
  const expected = JSON.parse(JSON.stringify(FACTS_D.local).replaceAll('FACT_PATH', dir));
  assert.deepEqual((r.ansible_facts as Vars).ansible_local, expected);
  const none = await setupModule.run(fakeContext('setup', { fact_path: path.join(dir, 'missing'), gather_subset: ['!all'] }));
  assert.deepEqual((none.ansible_facts as Vars).ansible_local, {});
});
