import type { Vars } from '../model/index.js';

/**
 * The one shell command `setup` runs, and the parser for its output. Each
 * section starts with a marker line; `env` comes last because values may
 * span lines.
 */
export const FACTS_SCRIPT = [
  `echo '@@pw:host'; hostname 2>/dev/null || uname -n`,
  `echo '@@pw:fqdn'; hostname -f 2>/dev/null || true`,
  `echo '@@pw:id'; id -un; id -u; id -g`,
  `echo '@@pw:date'; date '+%Y|%m|%d|%H|%M|%S|%s|%N|%Z|%z|%A|%w|%W'`,
  `echo '@@pw:uname'; uname -s; uname -r; uname -m; uname -n`,
  `echo '@@pw:nproc'; getconf _NPROCESSORS_ONLN 2>/dev/null || true`,
  `echo '@@pw:os'; cat /etc/os-release 2>/dev/null || true`,
  `echo '@@pw:env'; env`,
].join('\n');

/** Splits the script's output into its sections. */
function sections(stdout: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of stdout.split('\n')) {
    const m = /^@@pw:(\w+)$/.exec(line);
    if (m && !out.has('env')) {
      current = [];
      out.set(m[1], current);
    } else if (current) {
      current.push(line);
    }
  }
  return out;
}

/** The `ansible_*` facts from the script's output. */
export function parseFacts(stdout: string): Vars {
  const s = sections(stdout);
  const first = (name: string, i = 0) => (s.get(name)?.[i] ?? '').trim();
  const env = parseEnv(s.get('env') ?? []);
  const host = first('host');
  const facts: Vars = {
    ansible_hostname: host.split('.')[0],
    ansible_nodename: first('uname', 3) || host,
    ansible_fqdn: first('fqdn') || host,
    ansible_user_id: first('id'),
    ansible_user_uid: Number(first('id', 1)),
    ansible_user_gid: Number(first('id', 2)),
    ansible_user_dir: env.HOME ?? '',
    ansible_env: env,
    ansible_date_time: parseDate(first('date')),
    ansible_system: first('uname', 0),
    ansible_kernel: first('uname', 1),
    ansible_architecture: first('uname', 2),
    ansible_machine: first('uname', 2),
    ...osFacts(parseOsRelease(s.get('os') ?? []), first('uname', 0)),
  };
  const nproc = Number(first('nproc'));
  if (nproc > 0) facts.ansible_processor_vcpus = nproc;
  return facts;
}

/** `env` output; a line that is not `NAME=` continues the previous value. */
function parseEnv(lines: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  let last: string | undefined;
  for (const line of lines) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(line);
    if (m) {
      env[m[1]] = m[2];
      last = m[1];
    } else if (last !== undefined) {
      env[last] += `\n${line}`;
    }
  }
  // The script's output ends with a newline, which split() turns into a trailing empty line.
  if (last !== undefined) env[last] = env[last].replace(/\n$/, '');
  return env;
}

/** ansible's `ansible_date_time`, every value a string as ansible gives them. */
function parseDate(line: string): Record<string, string> {
  const [year, month, day, hour, minute, second, epoch, nanos, tz, tzOffset, weekday, weekdayNumber, weeknumber] = line.split('|');
  const micro = /^\d{9}$/.test(nanos ?? '') ? nanos.slice(0, 6) : '000000';
  const utc = new Date(Number(epoch) * 1000).toISOString().slice(0, 19);
  return {
    year, month, day, hour, minute, second,
    date: `${year}-${month}-${day}`,
    time: `${hour}:${minute}:${second}`,
    epoch, epoch_int: epoch,
    iso8601: `${utc}Z`,
    iso8601_micro: `${utc}.${micro}Z`,
    iso8601_basic: `${year}${month}${day}T${hour}${minute}${second}${micro}`,
    iso8601_basic_short: `${year}${month}${day}T${hour}${minute}${second}`,
    tz, tz_offset: tzOffset,
    weekday, weekday_number: weekdayNumber, weeknumber,
  };
}

function parseOsRelease(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2].replace(/^(["'])(.*)\1$/, '$2');
  }
  return out;
}

const DISTRIBUTIONS: Record<string, string> = {
  debian: 'Debian', ubuntu: 'Ubuntu', centos: 'CentOS', rhel: 'RedHat', fedora: 'Fedora',
  rocky: 'Rocky', almalinux: 'AlmaLinux', amzn: 'Amazon', alpine: 'Alpine', arch: 'Archlinux',
  opensuse: 'openSUSE', 'opensuse-leap': 'openSUSE Leap', sles: 'SLES', ol: 'OracleLinux',
};

const FAMILIES: Record<string, string> = {
  debian: 'Debian', ubuntu: 'Debian', rhel: 'RedHat', centos: 'RedHat', fedora: 'RedHat',
  rocky: 'RedHat', almalinux: 'RedHat', amzn: 'RedHat', ol: 'RedHat', alpine: 'Alpine',
  arch: 'Archlinux', suse: 'Suse', opensuse: 'Suse', 'opensuse-leap': 'Suse', sles: 'Suse',
};

function osFacts(rel: Record<string, string>, system: string): Vars {
  if (!rel.ID) return { ansible_os_family: system, ansible_distribution: system };
  const id = rel.ID.toLowerCase();
  const family = [id, ...(rel.ID_LIKE ?? '').toLowerCase().split(/\s+/)].map((x) => FAMILIES[x]).find(Boolean);
  const version = rel.VERSION_ID ?? '';
  return {
    ansible_os_family: family ?? rel.NAME ?? system,
    ansible_distribution: DISTRIBUTIONS[id] ?? rel.NAME ?? id,
    ansible_distribution_version: version,
    ansible_distribution_major_version: version.split('.')[0],
    ansible_distribution_release: rel.VERSION_CODENAME ?? '',
  };
}
