/**
 * The facts from the setup script's output (setup-script.ts), named and
 * typed as ansible-core 2.14 gives them: counts are numbers, versions and
 * `ansible_date_time` values strings, lists lists.
 */
import type { Vars } from '../model/index.js';
import { cpuFacts, dmiFacts, memFacts } from './setup-hardware.js';
import { dnsFacts, networkFacts } from './setup-network.js';
import { localFacts } from './setup-local.js';
import { serviceMgr, pkgMgr } from './setup-managers.js';
import { DEFAULT_FACT_PATH } from './setup-script.js';

/** Splits the output into its sections; `env` is last, so nothing after its marker is a marker. */
export function sections(stdout: string, nonce: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const marker = `@@pw-${nonce}:`;
  let current: string[] | undefined;
  let rest = stdout;
  const envAt = rest.indexOf(`${marker}env\n`);
  if (envAt >= 0) {
    out.set('env', [rest.slice(envAt + marker.length + 4)]);
    rest = rest.slice(0, envAt);
  }
  for (const line of rest.split('\n')) {
    if (line.startsWith(marker)) out.set(line.slice(marker.length), (current = []));
    else if (current) current.push(line);
  }
  return out;
}

/** The facts (without the `ansible_` prefix) of the selected collectors. */
export function parseFacts(stdout: string, nonce: string, collectors: Set<string>, factPath = DEFAULT_FACT_PATH): Vars {
  const s = sections(stdout, nonce);
  const lines = (name: string) => s.get(name) ?? [];
  const has = (c: string) => collectors.has(c);
  const plat = platformFacts(lines('platform'), lines('fqdn'));
  const osRel = keyValues(lines('os'));
  const dist = distributionFacts(osRel, String(plat.system ?? ''));
  const facts: Vars = {};
  if (has('platform')) Object.assign(facts, plat);
  if (has('distribution')) Object.assign(facts, dist);
  if (has('lsb')) {
    const lsb = lsbFacts(lines('lsb'));
    if (lsb) facts.lsb = lsb;
  }
  Object.assign(facts, securityFacts(keyValues(lines('security')), collectors));
  if (has('pkg_mgr')) facts.pkg_mgr = pkgMgr(lines('pkg'), dist);
  if (has('service_mgr')) facts.service_mgr = serviceMgr(keyValues(lines('svc')), lines('svc'), String(plat.system ?? ''), String(dist.distribution ?? ''));
  if (has('cmdline')) Object.assign(facts, cmdlineFacts(lines('cmdline').join(' ')));
  if (has('date_time')) {
    const dt = dateFacts(lines('date'));
    if (dt) facts.date_time = dt;
  }
  if (has('env')) facts.env = parseEnv(lines('env')[0] ?? '');
  if (has('loadavg')) {
    const [one, five, fifteen] = (lines('loadavg')[0] ?? '').split(/\s+/).map(Number);
    if (Number.isFinite(one)) facts.loadavg = { '1m': one, '5m': five, '15m': fifteen };
  }
  if (has('ssh_pub_keys')) Object.assign(facts, sshKeyFacts(lines('sshkeys')));
  if (has('user')) Object.assign(facts, userFacts(lines('user')));
  if (has('dns')) facts.dns = dnsFacts(lines('dns'));
  if (has('hardware')) {
    Object.assign(facts, cpuFacts(lines('cpu'), String(plat.architecture ?? '')), memFacts(lines('mem')), dmiFacts(lines('dmi')));
  }
  if (has('network')) Object.assign(facts, networkFacts(lines('ip')));
  if (has('local')) facts.local = localFacts(lines('local'), nonce, factPath);
  return facts;
}

/** `KEY=value` lines (os-release, the security section); quotes removed. */
function keyValues(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines) {
    const m = /^([A-Za-z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2].replace(/^(["'])(.*)\1$/, '$2');
  }
  return out;
}

function platformFacts(p: string[], fqdnLines: string[]): Vars {
  const [system = '', kernel = '', kernelVersion = '', machine = '', nodename = '', bits = '', machineId = ''] = p.map((l) => l.trim());
  if (!system) return {};
  const fqdn = fqdnOf(nodename, fqdnLines[0] ?? '');
  const out: Vars = {
    system,
    kernel,
    kernel_version: kernelVersion,
    machine,
    architecture: machine,
    nodename,
    hostname: nodename.split('.')[0],
    fqdn,
    domain: fqdn.includes('.') ? fqdn.slice(fqdn.indexOf('.') + 1) : '',
  };
  if (bits) out.userspace_bits = bits;
  if (machine === 'x86_64' && (bits === '64' || bits === '32')) out.userspace_architecture = bits === '64' ? 'x86_64' : 'i386';
  if (machineId) out.machine_id = machineId;
  return out;
}

/** socket.getfqdn(): the first dotted name of the reverse lookup, else its canonical name, else the node name. */
function fqdnOf(nodename: string, hostsLine: string): string {
  const names = hostsLine.trim().split(/\s+/).slice(1);
  if (names.length === 0) return nodename;
  return names.find((n) => n.includes('.')) ?? names[0];
}

const DISTRIBUTIONS: Record<string, string> = {
  debian: 'Debian', ubuntu: 'Ubuntu', centos: 'CentOS', rhel: 'RedHat', fedora: 'Fedora',
  rocky: 'Rocky', almalinux: 'AlmaLinux', amzn: 'Amazon', alpine: 'Alpine', arch: 'Archlinux',
  opensuse: 'openSUSE', 'opensuse-leap': 'openSUSE Leap', 'opensuse-tumbleweed': 'openSUSE Tumbleweed',
  sles: 'SLES', ol: 'OracleLinux', linuxmint: 'Linux Mint', raspbian: 'Debian', devuan: 'Devuan', kali: 'Kali',
};

const FAMILIES: Record<string, string> = {
  debian: 'Debian', ubuntu: 'Debian', linuxmint: 'Debian', raspbian: 'Debian', devuan: 'Debian', kali: 'Debian',
  rhel: 'RedHat', centos: 'RedHat', fedora: 'RedHat', rocky: 'RedHat', almalinux: 'RedHat', amzn: 'RedHat', ol: 'RedHat',
  alpine: 'Alpine', arch: 'Archlinux', suse: 'Suse', opensuse: 'Suse', 'opensuse-leap': 'Suse', 'opensuse-tumbleweed': 'Suse', sles: 'Suse',
};

function distributionFacts(rel: Record<string, string>, system: string): Vars {
  if (!rel.ID) return system ? { distribution: system, os_family: system } : {};
  const id = rel.ID.toLowerCase();
  const family = [id, ...(rel.ID_LIKE ?? '').toLowerCase().split(/\s+/)].map((x) => FAMILIES[x]).find(Boolean);
  // Debian's os-release says only the major version; ansible-core reads the point release from /etc/debian_version.
  const debianVersion = rel.PW_DEBIAN_VERSION ?? '';
  const version = id === 'debian' && /^\d+(\.\d+)*$/.test(debianVersion) ? debianVersion : (rel.VERSION_ID ?? '');
  const out: Vars = {
    distribution: DISTRIBUTIONS[id] ?? rel.NAME ?? id,
    distribution_version: version,
    distribution_major_version: version.split('.')[0],
    distribution_release: rel.VERSION_CODENAME || rel.UBUNTU_CODENAME || '',
    os_family: family ?? DISTRIBUTIONS[id] ?? rel.NAME ?? system,
  };
  if (version.includes('.')) out.distribution_minor_version = version.split('.')[1];
  return out;
}

/** `lsb_release -a` or /etc/lsb-release. */
function lsbFacts(lines: string[]): Vars | undefined {
  const out: Vars = {};
  const keys: Record<string, string> = {
    'Distributor ID': 'id', Description: 'description', Release: 'release', Codename: 'codename',
    DISTRIB_ID: 'id', DISTRIB_DESCRIPTION: 'description', DISTRIB_RELEASE: 'release', DISTRIB_CODENAME: 'codename',
  };
  for (const line of lines) {
    const m = /^([^:=]+)[:=]\s*(.*)$/.exec(line);
    if (m && keys[m[1].trim()]) out[keys[m[1].trim()]] = m[2].trim().replace(/^"(.*)"$/, '$1');
  }
  if (Object.keys(out).length === 0) return undefined;
  if (typeof out.release === 'string') out.major_release = out.release.split('.')[0];
  return out;
}

function securityFacts(kv: Record<string, string>, collectors: Set<string>): Vars {
  const out: Vars = {};
  if (collectors.has('apparmor') && kv.apparmor) out.apparmor = { status: kv.apparmor };
  if (collectors.has('selinux') && 'selinux' in kv) {
    out.selinux = kv.selinux === '' ? { status: 'disabled' } : { status: 'enabled', mode: kv.selinux === '1' ? 'enforcing' : 'permissive' };
  }
  if (collectors.has('fips') && 'fips' in kv) out.fips = kv.fips.trim() === '1';
  if (collectors.has('chroot')) {
    if (kv.chroot_env) out.is_chroot = true;
    else if (kv.root && kv.proc1root) out.is_chroot = kv.root !== kv.proc1root;
    // Not root, or no /proc: ansible-core checks that / is the file system's root inode.
    else if (kv.root) out.is_chroot = kv.root.split(':')[1] !== (/btrfs/.test(kv.rootfs ?? '') ? '256' : /xfs/.test(kv.rootfs ?? '') ? '128' : '2');
  }
  return out;
}

/** ansible-core's cmdline facts: `cmdline` keeps the last value of a key, `proc_cmdline` a list of repeated ones. */
function cmdlineFacts(line: string): Vars {
  if (!line.trim()) return {};
  const cmdline: Vars = {};
  const proc: Vars = {};
  for (const item of line.trim().split(/\s+/)) {
    const eq = item.indexOf('=');
    const [k, v] = eq < 0 ? [item, true] : [item.slice(0, eq), item.slice(eq + 1)];
    cmdline[k] = v;
    if (!(k in proc)) proc[k] = v;
    else proc[k] = Array.isArray(proc[k]) ? [...(proc[k] as unknown[]), v] : [proc[k], v];
  }
  return { cmdline, proc_cmdline: proc };
}

/** `ansible_date_time`, every value a string as ansible-core gives them. */
function dateFacts(lines: string[]): Vars | undefined {
  const [year, month, day, hour, minute, second, epoch, nanos, tz, tzOffset, weekday, weekdayNumber, weeknumber] = (lines[0] ?? '').split('|');
  if (!weeknumber) return undefined;
  const micro = /^\d{9}$/.test(nanos ?? '') ? nanos.slice(0, 6) : '000000';
  const utc = new Date(Number(epoch) * 1000).toISOString().slice(0, 19);
  return {
    year, month, weekday, weekday_number: weekdayNumber, weeknumber, day, hour, minute, second,
    epoch, epoch_int: epoch,
    date: `${year}-${month}-${day}`,
    time: `${hour}:${minute}:${second}`,
    iso8601_micro: `${utc}.${micro}Z`,
    iso8601: `${utc}Z`,
    iso8601_basic: `${year}${month}${day}T${hour}${minute}${second}${micro}`,
    iso8601_basic_short: `${year}${month}${day}T${hour}${minute}${second}`,
    tz,
    tz_dst: tzDst(lines[1], lines[2]) ?? tz,
    tz_offset: tzOffset,
  };
}

/** Python's time.tzname[1] on glibc: of January's and July's zones, the one further east (DST). */
function tzDst(jan = '', jul = ''): string | undefined {
  const [janOff, janName] = jan.split('|');
  const [julOff, julName] = jul.split('|');
  if (!janName || !julName) return undefined;
  const mins = (o: string) => (o.startsWith('-') ? -1 : 1) * (Number(o.slice(1, 3)) * 60 + Number(o.slice(3, 5)));
  return mins(janOff) > mins(julOff) ? janName : julName;
}

/** `env -0` output (NUL-separated), or plain `env` where a line that is not `NAME=` continues the previous value. */
export function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  if (text.includes('\0')) {
    for (const item of text.split('\0')) {
      const eq = item.indexOf('=');
      if (eq > 0) env[item.slice(0, eq)] = item.slice(eq + 1);
    }
    return env;
  }
  let last: string | undefined;
  for (const line of text.replace(/\n$/, '').split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(line);
    if (m) {
      env[m[1]] = m[2];
      last = m[1];
    } else if (last !== undefined) env[last] += `\n${line}`;
  }
  return env;
}

/** Host keys of the first directory that has any (/etc/ssh, /etc/openssh, /etc). */
function sshKeyFacts(lines: string[]): Vars {
  const out: Vars = {};
  let dir: string | undefined;
  for (const line of lines) {
    const [d, algo, type, key] = line.trim().split(/\s+/);
    if (!key) continue;
    if (dir !== undefined && d !== dir) break;
    dir = d;
    out[`ssh_host_key_${algo}_public`] = key;
    out[`ssh_host_key_${algo}_public_keytype`] = type;
  }
  return out;
}

function userFacts(lines: string[]): Vars {
  const [name = '', uid, gid, ruid, rgid, pw = ''] = lines.map((l) => l.trim());
  if (!name) return {};
  const f = pw.split(':');
  const num = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);
  const out: Vars = { user_id: name };
  const put = (k: string, v: unknown) => { if (v !== undefined) out[k] = v; };
  put('user_uid', num(f[2]) ?? num(uid));
  put('user_gid', num(f[3]) ?? num(gid));
  if (f.length >= 7) {
    out.user_gecos = f[4];
    out.user_dir = f[5];
    out.user_shell = f[6];
  }
  put('real_user_id', num(ruid));
  put('effective_user_id', num(uid));
  put('real_group_id', num(rgid));
  // ansible-core 2.14 reports the real gid here too.
  put('effective_group_id', num(rgid));
  return out;
}
