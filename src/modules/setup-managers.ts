/** `ansible_service_mgr` and `ansible_pkg_mgr`, decided as ansible-core 2.14 decides them, from the script's probes. */
import type { Vars } from '../model/index.js';

const PROC1_NAMES: Record<string, string> = { procd: 'openwrt_init', 'runit-init': 'runit', svscan: 'svc', 'openrc-init': 'openrc' };

/** pid 1's name (unless it is `init` or a shell), else what is installed. */
export function serviceMgr(kv: Record<string, string>, probes: string[], system: string, distribution: string): string {
  const has = (p: string) => probes.includes(p);
  let proc1: string | undefined = kv.proc1;
  if (proc1 === undefined && kv.ps1 !== undefined) {
    proc1 = kv.ps1.trim() && kv.ps1.trim() !== 'COMMAND' && !/^ *\d+ /.test(kv.ps1) ? kv.ps1 : undefined;
  }
  if (!proc1?.trim() && kv.init) proc1 = kv.init;
  if (proc1 !== undefined) {
    proc1 = proc1.trim().split('/').pop()!;
    if (proc1 === '' || proc1 === 'init' || proc1.endsWith('sh')) proc1 = undefined;
  }
  if (proc1) return PROC1_NAMES[proc1] ?? proc1;
  if (system.includes('BSD') || system === 'DragonFly') return 'bsdinit';
  if (system === 'AIX') return 'src';
  if (system === 'SunOS') return 'smf';
  if (distribution === 'OpenWrt') return 'openwrt_init';
  if (system === 'Linux') {
    if (has('systemctl') && has('canary')) return 'systemd';
    if (has('upstart')) return 'upstart';
    if (has('openrc')) return 'openrc';
    if (has('systemctl') && kv.init?.split('/').pop() === 'systemd') return 'systemd';
    if (has('initd')) return 'sysvinit';
  }
  return 'service';
}

const PKG_MGRS: [string, string][] = [
  ['/usr/bin/rpm-ostree', 'atomic_container'], ['/usr/bin/yum', 'yum'], ['/usr/bin/dnf', 'dnf'], ['/usr/bin/apt-get', 'apt'],
  ['/usr/bin/zypper', 'zypper'], ['/usr/sbin/urpmi', 'urpmi'], ['/usr/bin/pacman', 'pacman'], ['/bin/opkg', 'opkg'],
  ['/usr/pkg/bin/pkgin', 'pkgin'], ['/opt/local/bin/pkgin', 'pkgin'], ['/opt/tools/bin/pkgin', 'pkgin'], ['/opt/local/bin/port', 'macports'],
  ['/usr/local/bin/brew', 'homebrew'], ['/opt/homebrew/bin/brew', 'homebrew'], ['/sbin/apk', 'apk'], ['/usr/sbin/pkg', 'pkgng'],
  ['/usr/sbin/swlist', 'swdepot'], ['/usr/bin/emerge', 'portage'], ['/usr/sbin/pkgadd', 'svr4pkg'], ['/usr/bin/pkg', 'pkg5'],
  ['/usr/bin/xbps-install', 'xbps'], ['/usr/local/sbin/pkg', 'pkgng'], ['/usr/bin/swupd', 'swupd'], ['/usr/sbin/sorcery', 'sorcery'],
  ['/usr/bin/installp', 'installp'], ['/QOpenSys/pkgs/bin/yum', 'yum'],
];

/** The last installed manager in ansible-core's list, then the family's official one (apt on Debian, dnf/yum on Red Hat). */
export function pkgMgr(probes: string[], dist: Vars): string {
  const present = new Set(probes.map((l) => l.trim()));
  const family = String(dist.os_family ?? '');
  let name = 'unknown';
  for (const [p, n] of PKG_MGRS) {
    if (family === 'Altlinux' && p === '/usr/bin/pkg') continue;
    if (present.has(p)) name = n;
  }
  const exists = (n: string) => PKG_MGRS.some(([p, m]) => m === n && present.has(p));
  if (family === 'RedHat') {
    if (present.has('ostree-booted')) return 'atomic_container';
    const major = Number.parseInt(String(dist.distribution_major_version ?? ''), 10);
    if (dist.distribution === 'Fedora') name = Number.isNaN(major) ? 'dnf' : major < 23 ? (exists('yum') ? 'yum' : name) : exists('dnf') ? 'dnf' : name;
    else if (dist.distribution === 'Amazon') name = Number.isNaN(major) ? 'dnf' : major < 2022 ? (exists('yum') ? 'yum' : name) : exists('dnf') ? 'dnf' : name;
    else name = major < 8 ? 'yum' : 'dnf';
  } else if (family === 'Debian') name = 'apt';
  else if (family === 'Altlinux' && name === 'apt') name = 'apt_rpm';
  if (name === 'apt' && present.has('apt-rpm')) name = 'apt_rpm';
  return name;
}
