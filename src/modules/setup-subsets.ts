/**
 * `gather_subset` and `filter` as ansible-core 2.14's setup module reads
 * them: subsets name fact collectors (or one of the facts a collector
 * gives, which selects that collector), `min` is the set `!all` keeps,
 * `!x` excludes, and a collector others need is added back (network needs
 * platform and distribution).
 */

interface Collector {
  /** Names of single facts that select this collector (`processor_count` → hardware). */
  ids?: string[];
  /** Collectors whose facts this one reads. */
  needs?: string[];
}

/**
 * Every collector ansible-core has on Linux, in its order. playwatch's
 * script gathers the facts of platform, distribution, lsb, selinux,
 * apparmor, chroot, fips, pkg_mgr, service_mgr, cmdline, date_time, env,
 * loadavg, ssh_pub_keys, user, dns, hardware and network; the others
 * (python, caps, virtual, local, facter, ohai, fibre_channel_wwn, iscsi,
 * nvme) are valid names that give no facts.
 */
export const COLLECTORS: Readonly<Record<string, Collector>> = {
  platform: { ids: ['system', 'kernel', 'kernel_version', 'machine', 'python_version', 'architecture', 'machine_id'] },
  distribution: { ids: ['distribution_version', 'distribution_release', 'distribution_major_version', 'os_family'] },
  lsb: {},
  selinux: {},
  apparmor: {},
  chroot: { ids: ['is_chroot'] },
  fips: {},
  python: {},
  caps: { ids: ['system_capabilities', 'system_capabilities_enforced'] },
  pkg_mgr: { needs: ['distribution'] },
  service_mgr: { needs: ['platform', 'distribution'] },
  cmdline: {},
  date_time: {},
  env: {},
  loadavg: {},
  ssh_pub_keys: { ids: ['ssh_host_pub_keys', 'ssh_host_key_dsa_public', 'ssh_host_key_rsa_public', 'ssh_host_key_ecdsa_public', 'ssh_host_key_ed25519_public'] },
  user: { ids: ['user_id', 'user_uid', 'user_gid', 'user_gecos', 'user_dir', 'user_shell', 'real_user_id', 'effective_user_id', 'effective_group_ids'] },
  virtual: { ids: ['virtualization_type', 'virtualization_role', 'virtualization_tech_guest', 'virtualization_tech_host'] },
  hardware: { ids: ['devices', 'mounts', 'processor', 'processor_cores', 'processor_count'], needs: ['platform'] },
  dns: {},
  fibre_channel_wwn: {},
  network: { ids: ['interfaces', 'default_ipv4', 'default_ipv6', 'all_ipv4_addresses', 'all_ipv6_addresses'], needs: ['platform', 'distribution'] },
  iscsi: {},
  nvme: {},
  local: {},
  facter: {},
  ohai: {},
};

/** The collectors `min` names (ansible-core's setup module's minimal_gather_subset). */
export const MINIMAL = [
  'apparmor', 'caps', 'cmdline', 'date_time', 'distribution', 'dns', 'env', 'fips', 'local',
  'lsb', 'pkg_mgr', 'platform', 'python', 'selinux', 'service_mgr', 'ssh_pub_keys', 'user',
];

/** Subset or fact name → its collector. */
const OWNER = new Map<string, string>();
for (const [name, c] of Object.entries(COLLECTORS)) {
  OWNER.set(name, name);
  for (const id of c.ids ?? []) OWNER.set(id, name);
}

/** Every name `gather_subset` accepts besides `all` and `min`, as ansible-core lists them. */
export const VALID_SUBSETS = [...OWNER.keys()].sort();

/** The collectors a `gather_subset` list selects, or the error ansible-core gives for an unknown name. */
export function resolveSubsets(spec: string[]): { collectors: Set<string> } | { error: string } {
  const all = new Set(Object.keys(COLLECTORS));
  const min = new Set(MINIMAL);
  const add = new Set<string>();
  const drop = new Set<string>();
  const explicit = new Set<string>();
  for (const raw of ['min', ...(spec.length ? spec : ['all'])]) {
    const s = raw.trim();
    if (s === 'min') min.forEach((c) => add.add(c));
    else if (s === 'all') all.forEach((c) => add.add(c));
    else if (s === '!min') min.forEach((c) => drop.add(c));
    else if (s === '!all') all.forEach((c) => !min.has(c) && drop.add(c));
    else if (s.startsWith('!')) {
      // Excluding an unknown name is ignored, as in ansible-core.
      const owner = OWNER.get(s.slice(1));
      if (owner === s.slice(1)) drop.add(owner);
    } else {
      const owner = OWNER.get(s);
      if (!owner) {
        return { error: `Bad subset '${s}' given to Ansible. gather_subset options allowed: all, ${VALID_SUBSETS.join(', ')}` };
      }
      explicit.add(owner);
      add.add(owner);
    }
  }
  const collectors = new Set([...add].filter((c) => !drop.has(c) || explicit.has(c)));
  // A collector's needs come along, whatever was excluded.
  for (const c of [...collectors]) for (const n of COLLECTORS[c].needs ?? []) collectors.add(n);
  return { collectors };
}

/** `gather_subset` as a list, from a list or a comma-separated string. */
export function subsetList(v: unknown): string[] {
  if (v === undefined || v === null || v === '') return [];
  const items = Array.isArray(v) ? v.map(String) : String(v).split(',');
  return items.map((s) => s.trim()).filter(Boolean);
}

/**
 * `filter`: fnmatch patterns on fact names; a pattern not starting with
 * `ansible_` also matches with that prefix added (`filter: '*_mb'`).
 */
export function filterFacts<T>(facts: Record<string, T>, patterns: string[]): Record<string, T> {
  if (patterns.length === 0 || (patterns.length === 1 && patterns[0] === '*')) return facts;
  const res = patterns.flatMap((p) => (p.startsWith('ansible_') || p.startsWith('facter') || p.startsWith('ohai') ? [fnmatch(p)] : [fnmatch(p), fnmatch(`ansible_${p}`)]));
  return Object.fromEntries(Object.entries(facts).filter(([k]) => res.some((re) => re.test(k))));
}

/** Python's fnmatch as a RegExp: `*`, `?`, `[seq]`, `[!seq]`. */
export function fnmatch(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) out += '\\[';
      else {
        let body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        out += `[${body}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 's');
}
