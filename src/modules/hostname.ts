import type { ModuleResult } from '../model/index.js';
import { caught, missingFailure, missingScript, readCaught, sections } from './accounts.js';
import { remoteFailure } from './remote-file.js';
import { q } from './sh.js';
import { readArgs, specValidator, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

const OTHER = 'playwatch sets the hostname through hostnamectl (systemd, debian) or a file (alpine, sles, and Debian-like hosts without systemd); run this playbook with ansible-playbook for';

/** ansible-core 2.14's `hostname` options (`ansible-doc -j hostname`). */
const SPEC: ArgSpec = {
  options: {
    name: { type: 'str', required: true },
    use: { type: 'str', choices: ['alpine', 'debian', 'freebsd', 'generic', 'macos', 'macosx', 'darwin', 'openbsd', 'openrc', 'redhat', 'sles', 'solaris', 'systemd'] },
  },
};

/** How a host's name is kept: hostnamectl, or a file (and for alpine `hostname -F` for the running name). */
export type Strategy = { kind: 'systemd' } | { kind: 'file'; file: string; apply: boolean };

/** Distributions whose hosts without systemd keep the name in /etc/hostname (ansible-core's FileStrategy classes). */
const FILE_DISTROS = ['debian', 'ubuntu', 'linuxmint', 'raspbian', 'devuan', 'kali', 'parrot', 'pop', 'neon', 'deepin', 'uos', 'kylin', 'cumulus-linux', 'linaro', 'void'];

/** ansible-core's choice: `use` when given, systemd when it runs the host, else by distribution; or why there is none. */
export function strategyFor(use: string | undefined, systemd: boolean, distro: string): Strategy | string {
  const pick = use ?? (systemd ? 'systemd' : FILE_DISTROS.includes(distro) ? 'file' : distro);
  if (pick === 'systemd' || pick === 'debian') return { kind: 'systemd' };
  if (pick === 'file') return { kind: 'file', file: '/etc/hostname', apply: false };
  if (pick === 'alpine') return { kind: 'file', file: '/etc/hostname', apply: true };
  if (pick === 'sles' || pick === 'opensuse-leap' || pick === 'sled') return { kind: 'file', file: '/etc/HOSTNAME', apply: false };
  return use !== undefined ? `${OTHER} use: ${use}` : `hostname module cannot be used on platform Linux (${distro || 'unknown'}) without systemd; ${OTHER} it`;
}

/** The read: whether systemd runs the host, the distribution, both names as each strategy reads them, and the FQDN. */
export function hostnameReadScript(use: string | undefined): string {
  return [
    missingScript(use === 'systemd' || use === 'debian' ? ['hostnamectl'] : []),
    `echo '@@@ systemd'; if [ -d /run/systemd/system ] || [ -d /dev/.run/systemd ] || [ -d /dev/.systemd ]; then echo yes; fi`,
    `echo '@@@ distro'; (. /etc/os-release 2>/dev/null; echo "$ID")`,
    `for f in /etc/hostname /etc/HOSTNAME; do echo "@@@ file:$f"; if [ -f "$f" ]; then cat -- "$f"; fi; done`,
    `if [ -d /run/systemd/system ] || [ ${use === 'systemd' || use === 'debian' ? 1 : 0} = 1 ]; then`,
    `  echo '@@@ transient'; { e=$(hostnamectl --transient status 2>&1 >&3; r=$?; echo .; exit $r); r=$?; } 3>&1; echo '@@@ transient_err'; printf '%s\\n' "$r \${e%.}"`,
    `  echo '@@@ static'; { e=$(hostnamectl --static status 2>&1 >&3; r=$?; echo .; exit $r); r=$?; } 3>&1; echo '@@@ static_err'; printf '%s\\n' "$r \${e%.}"`,
    `fi`,
    // socket.getfqdn(): the name's address looked up again (the first name /etc/hosts gives it, and its aliases).
    `echo '@@@ fqdn'; n=$(uname -n); ip=$(getent hosts "$n" | awk '{ print $1; exit }'); if [ -n "$ip" ]; then getent hosts "$ip" | head -n 1; fi; echo '@@@ nodename'; echo "$n"`,
  ].join('\n');
}

/** The commands that set the name, permanent first (as ansible-core's systemd strategy). */
export function hostnameWriteScript(s: Strategy, name: string, permanent: boolean, current: boolean): string {
  if (s.kind === 'systemd') {
    return [
      ...(permanent ? [caught(`hostnamectl --pretty --static set-hostname ${q(name)}`), `[ "$rc" = 0 ] || exit 0`] : []),
      ...(current ? [caught(`hostnamectl --transient set-hostname ${q(name)}`)] : []),
    ].join('\n');
  }
  return caught(`printf '%s\\n' ${q(name)} >${q(s.file)}${s.apply ? ` && hostname -F ${q(s.file)}` : ''}`);
}

/** socket.getfqdn(): the first name with a dot among the address's names (`getent hosts <ip>`), else its first name. */
export function fqdnOf(hostsLine: string, nodename: string): string {
  const names = hostsLine.trim().split(/\s+/).slice(1);
  return names.find((n) => n.includes('.')) ?? (names[0] || nodename);
}

function commandFailed(section: string | undefined): string | undefined {
  const m = /^(\d+) ?([\s\S]*)$/.exec(section ?? '');
  return m && m[1] !== '0' ? `Command failed rc=${m[1]}, out=, err=${m[2]}` : undefined;
}

/**
 * `hostname`: one command reads the names (hostnamectl's transient and
 * static names, or the file the distribution keeps it in); when the name
 * differs one more sets it. Result as ansible-core's: `name`, the
 * `ansible_facts` it sets, and a diff `hostname = …`. Check mode predicts.
 */
export const hostnameModule: Module = {
  name: 'hostname',
  supportsCheck: true,
  validate: specValidator('hostname', SPEC),
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = readArgs('hostname', SPEC, ctx.args);
    const name = a.name as string;
    const use = a.use as string | undefined;
    const res = await ctx.exec(hostnameReadScript(use));
    if (res.rc !== 0) return remoteFailure('could not read the hostname', res);
    const s = sections(res.stdout);
    const lacking = missingFailure('hostname', s.get('missing'), ['hostnamectl']);
    if (lacking) return lacking;
    const strategy = strategyFor(use, s.get('systemd') === 'yes', s.get('distro') ?? '');
    if (typeof strategy === 'string') return { failed: true, changed: false, msg: strategy };
    let current: string;
    let permanent: string;
    if (strategy.kind === 'systemd') {
      const failed = commandFailed(s.get('transient_err')) ?? commandFailed(s.get('static_err'));
      if (failed) return { failed: true, changed: false, msg: failed };
      current = (s.get('transient') ?? '').trim();
      permanent = (s.get('static') ?? '').trim();
      if (name.length > 64 && (current !== name || permanent !== name)) {
        return { failed: true, changed: false, msg: 'name cannot be longer than 64 characters on systemd servers, try a shorter name' };
      }
    } else {
      permanent = (s.get(`file:${strategy.file}`) ?? '').trim();
      current = permanent;
    }
    const changed = current !== name || permanent !== name;
    const fqdn = fqdnOf(s.get('fqdn') ?? '', s.get('nodename') ?? '');
    const result: ModuleResult = {
      changed,
      name,
      ansible_facts: { ansible_hostname: name.split('.')[0], ansible_nodename: name, ansible_fqdn: fqdn, ansible_domain: fqdn.split('.').slice(1).join('.') },
    };
    if (changed) result.diff = { after: `hostname = ${name}\n`, before: `hostname = ${current !== name ? current : permanent}\n` };
    if (!changed || ctx.check) return result;
    const w = await ctx.exec(hostnameWriteScript(strategy, name, strategy.kind === 'file' || permanent !== name, strategy.kind === 'systemd' && current !== name));
    const c = readCaught(sections(w.stdout));
    if (!c) return remoteFailure('could not set the hostname', w);
    if (c.rc !== 0) {
      return { failed: true, changed: false, msg: strategy.kind === 'systemd' ? `Command failed rc=${c.rc}, out=${c.out}, err=${c.err}` : `failed to update hostname: ${c.err}` };
    }
    return result;
  },
};
