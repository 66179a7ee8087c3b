/**
 * playwatch's facts against ansible-core's on this machine: the same
 * values for the facts that do not change between two gatherings, the
 * same types for every fact both give, and the same fact names for each
 * gather_subset (less the collectors playwatch leaves out: they need
 * Python or are rarely used by deploys). Needs ansible-core
 * (`apt-get install --no-install-recommends ansible-core`): fails without it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { Vars } from '../../src/model/index.js';
import { setupModule } from '../../src/modules/setup.js';
import { fakeContext } from '../modules/context.js';
import { writeFactsD } from '../modules/facts-d.js';

function ansibleFacts(args = ''): Vars {
  const run = spawnSync('ansible', ['-i', 'localhost,', '-c', 'local', '-m', 'setup', ...(args ? ['-a', args] : []), 'localhost'], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOAD_CALLBACK_PLUGINS: '0' },
  });
  if (run.error) assert.fail(`ansible could not run (install the ansible-core package): ${run.error.message}`);
  assert.equal(run.status, 0, `${run.stdout.slice(-2000)}\n${run.stderr}`);
  const json = run.stdout.slice(run.stdout.indexOf('{'));
  return JSON.parse(json).ansible_facts as Vars;
}

async function ourFacts(args: Vars = {}): Promise<Vars> {
  const r = await setupModule.run(fakeContext('setup', args));
  assert.equal(r.failed, undefined, String(r.msg));
  return r.ansible_facts as Vars;
}

/** Facts that stay the same between two gatherings on one machine. */
const STABLE = [
  'ansible_hostname', 'ansible_nodename', 'ansible_fqdn', 'ansible_domain', 'ansible_system', 'ansible_kernel', 'ansible_kernel_version',
  'ansible_machine', 'ansible_architecture', 'ansible_userspace_bits', 'ansible_userspace_architecture', 'ansible_machine_id',
  'ansible_os_family', 'ansible_distribution', 'ansible_distribution_version', 'ansible_distribution_major_version',
  'ansible_distribution_minor_version', 'ansible_distribution_release', 'ansible_lsb',
  'ansible_processor', 'ansible_processor_count', 'ansible_processor_cores', 'ansible_processor_threads_per_core',
  'ansible_processor_vcpus', 'ansible_processor_nproc', 'ansible_memtotal_mb', 'ansible_swaptotal_mb',
  'ansible_user_id', 'ansible_user_uid', 'ansible_user_gid', 'ansible_user_dir', 'ansible_user_shell', 'ansible_user_gecos',
  'ansible_real_user_id', 'ansible_effective_user_id', 'ansible_real_group_id', 'ansible_effective_group_id',
  'ansible_pkg_mgr', 'ansible_service_mgr', 'ansible_dns', 'ansible_cmdline', 'ansible_proc_cmdline',
  'ansible_apparmor', 'ansible_selinux', 'ansible_fips', 'ansible_is_chroot',
  'ansible_ssh_host_key_rsa_public', 'ansible_ssh_host_key_ed25519_public', 'ansible_ssh_host_key_ecdsa_public',
  'ansible_all_ipv4_addresses', 'ansible_all_ipv6_addresses', 'ansible_interfaces', 'gather_subset', 'module_setup',
  'ansible_bios_vendor', 'ansible_product_name', 'ansible_system_vendor',
];

/** Facts playwatch does not gather: Python's, capabilities, virtualization, devices, mounts, local facts, LVM, storage initiators. */
const NOT_GATHERED = new Set([
  'ansible_python', 'ansible_python_version', 'ansible_selinux_python_present', 'discovered_interpreter_python',
  'ansible_system_capabilities', 'ansible_system_capabilities_enforced',
  'ansible_virtualization_role', 'ansible_virtualization_type', 'ansible_virtualization_tech_guest', 'ansible_virtualization_tech_host',
  'ansible_devices', 'ansible_device_links', 'ansible_mounts', 'ansible_lvm', 'ansible_form_factor',
  'ansible_fibre_channel_wwn', 'ansible_iscsi_iqn', 'ansible_hostnqn',
  'ansible_distribution_file_parsed', 'ansible_distribution_file_path', 'ansible_distribution_file_variety',
]);

/** JSON with mapping keys sorted (ansible prints them sorted); the interface list sorted (its order is the kernel's listing order). */
function canon(key: string, v: unknown): string {
  const sortKeys = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(sortKeys) : x && typeof x === 'object' ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, y]) => [k, sortKeys(y)])) : x;
  return JSON.stringify(key === 'ansible_interfaces' && Array.isArray(v) ? [...v].sort() : sortKeys(v));
}

/** A value's type, one level into mappings and lists, in Python's terms. */
function typeOf(v: unknown, depth = 0): unknown {
  if (Array.isArray(v)) return depth > 0 ? 'list' : ['list', [...new Set(v.map((x) => typeOf(x, 1)))]];
  if (v === null) return 'None';
  if (typeof v === 'object') return depth > 0 ? 'dict' : Object.fromEntries(Object.entries(v as Vars).sort().map(([k, x]) => [k, typeOf(x, 1)]));
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  return typeof v === 'string' ? 'str' : typeof v === 'boolean' ? 'bool' : typeof v;
}

test('setup gives the same values as ansible-core on this machine for the facts that do not change', async () => {
  const [theirs, ours] = [ansibleFacts(), await ourFacts()];
  const stable = STABLE.filter((k) => k in theirs);
  for (const k of ['ansible_hostname', 'ansible_distribution', 'ansible_architecture', 'ansible_processor_vcpus', 'ansible_os_family', 'ansible_pkg_mgr', 'ansible_service_mgr', 'ansible_user_id']) {
    assert.ok(stable.includes(k), `ansible-core gave no ${k}`);
  }
  const differ = stable.filter((k) => canon(k, ours[k]) !== canon(k, theirs[k])).map((k) => `${k}: ansible ${canon(k, theirs[k])}, playwatch ${canon(k, ours[k])}`);
  assert.deepEqual(differ, []);
  // The clock and the default route agree too, where they can.
  const [a, b] = [theirs.ansible_date_time as Vars, ours.ansible_date_time as Vars];
  assert.deepEqual([b.tz, b.tz_dst, b.tz_offset, String(b.date).length], [a.tz, a.tz_dst, a.tz_offset, String(a.date).length]);
  assert.ok(Math.abs(Number(a.epoch) - Number(b.epoch)) < 120);
  for (const k of ['address', 'interface', 'gateway', 'netmask', 'network', 'prefix', 'broadcast', 'alias', 'macaddress', 'mtu', 'type']) {
    assert.deepEqual((ours.ansible_default_ipv4 as Vars)?.[k], (theirs.ansible_default_ipv4 as Vars)?.[k], `default_ipv4.${k}`);
  }
});

test('every fact both give has the type ansible-core gives it', async () => {
  const [theirs, ours] = [ansibleFacts(), await ourFacts()];
  const both = Object.keys(ours).filter((k) => k in theirs && k !== 'ansible_env');
  assert.ok(both.length > 60, `only ${both.length} facts in common`);
  const differ = both
    .filter((k) => JSON.stringify(typeOf(ours[k])) !== JSON.stringify(typeOf(theirs[k])))
    // Per-interface mappings: ansible-core adds driver details (pciid, speed, features) playwatch leaves out.
    .filter((k) => !(theirs.ansible_interfaces as string[]).some((i) => k === `ansible_${i.replace(/[-:.]/g, '_')}`))
    .map((k) => `${k}: ansible ${JSON.stringify(typeOf(theirs[k]))}, playwatch ${JSON.stringify(typeOf(ours[k]))}`);
  assert.deepEqual(differ, []);
  assert.equal(typeof (ours.ansible_env as Vars).PATH, 'string');
});

for (const subset of ['all', '!all', '!all,!min', '!all,!min,network', '!all,!min,hardware', 'min,!date_time', '!all,!min,service_mgr']) {
  test(`gather_subset=${subset} gives the fact names ansible-core gives`, async () => {
    const theirs = Object.keys(ansibleFacts(`gather_subset=${subset}`)).filter((k) => !NOT_GATHERED.has(k) && !k.startsWith('ansible_ssh_host_key_dsa'));
    const ours = Object.keys(await ourFacts({ gather_subset: subset.split(',') }));
    assert.deepEqual(ours.filter((k) => !theirs.includes(k)).sort(), [], 'playwatch only');
    assert.deepEqual(theirs.filter((k) => !ours.includes(k)).sort(), [], 'ansible-core only');
  });
}

test('local facts from a fact_path are what ansible-core reads there', async () => {
  const dir = writeFactsD();
  const theirs = ansibleFacts(`gather_subset=!all fact_path=${dir}`).ansible_local;
  const ours = (await ourFacts({ gather_subset: ['!all'], fact_path: dir })).ansible_local;
  assert.deepEqual(Object.keys(theirs as Vars).sort(), ['app', 'broken', 'fails', 'ini', 'run']);
  assert.deepEqual(ours, theirs);
});
