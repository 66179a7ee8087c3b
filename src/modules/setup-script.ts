/**
 * The one POSIX `sh` script `setup` runs: only the parts the selected
 * collectors need, each section behind a marker line carrying a per-call
 * nonce, so no file content or variable can forge a section. Every probe
 * tolerates a missing tool or file (the fact is then absent); name lookups
 * and `ip` run under `timeout` (gather_timeout) where `timeout` exists.
 * The raw material is parsed on the controller (setup-facts.ts).
 */

import { shellQuote } from '../transport/command.js';

/** Where local facts live unless `fact_path` says otherwise (ansible-core's default). */
export const DEFAULT_FACT_PATH = '/etc/ansible/facts.d';

/** Shell text per section; a section runs when any of its collectors is selected. */
const PARTS: { section: string; collectors: string[]; sh: string }[] = [
  {
    section: 'platform',
    collectors: ['platform', 'hardware', 'network', 'service_mgr', 'distribution'],
    sh: 'uname -s; uname -r; uname -v; uname -m; uname -n; getconf LONG_BIT 2>/dev/null || echo; cat /var/lib/dbus/machine-id 2>/dev/null || cat /etc/machine-id 2>/dev/null || echo',
  },
  {
    // Python's socket.getfqdn(): the name resolved, then its address looked up again.
    section: 'fqdn',
    collectors: ['platform'],
    sh: 'h=$(uname -n); a=$(T getent ahosts "$h" 2>/dev/null | awk \'{print $1; exit}\'); [ -n "$a" ] && T getent hosts "$a" 2>/dev/null | head -n 1',
  },
  {
    section: 'os',
    collectors: ['distribution', 'pkg_mgr', 'service_mgr', 'network'],
    sh: 'cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null; echo "PW_DEBIAN_VERSION=$(cat /etc/debian_version 2>/dev/null)"',
  },
  {
    section: 'lsb',
    collectors: ['lsb'],
    sh: 'if command -v lsb_release >/dev/null 2>&1; then lsb_release -a 2>/dev/null; elif [ -r /etc/lsb-release ]; then cat /etc/lsb-release; fi',
  },
  {
    section: 'security',
    collectors: ['selinux', 'apparmor', 'fips', 'chroot'],
    sh: [
      '[ -e /sys/kernel/security/apparmor ] && echo apparmor=enabled || echo apparmor=disabled',
      'if [ -r /sys/fs/selinux/enforce ]; then echo "selinux=$(cat /sys/fs/selinux/enforce)"; else echo selinux=; fi',
      'echo "fips=$(cat /proc/sys/crypto/fips_enabled 2>/dev/null)"',
      'echo "chroot_env=${debian_chroot:-}"',
      'echo "root=$(stat -c \'%d:%i\' / 2>/dev/null)"; echo "proc1root=$(stat -c \'%d:%i\' /proc/1/root/. 2>/dev/null)"; echo "rootfs=$(stat -f -c %T / 2>/dev/null)"',
    ].join('; '),
  },
  {
    section: 'pkg',
    collectors: ['pkg_mgr'],
    sh: [
      'for p in /usr/bin/rpm-ostree /usr/bin/yum /usr/bin/dnf /usr/bin/apt-get /usr/bin/zypper /usr/sbin/urpmi /usr/bin/pacman /bin/opkg /usr/pkg/bin/pkgin /opt/local/bin/pkgin /opt/tools/bin/pkgin /opt/local/bin/port /usr/local/bin/brew /opt/homebrew/bin/brew /sbin/apk /usr/sbin/pkg /usr/sbin/swlist /usr/bin/emerge /usr/sbin/pkgadd /usr/bin/pkg /usr/bin/xbps-install /usr/local/sbin/pkg /usr/bin/swupd /usr/sbin/sorcery /usr/bin/installp /QOpenSys/pkgs/bin/yum; do [ -e "$p" ] && echo "$p"; done',
      '[ -e /run/ostree-booted ] && echo ostree-booted',
      '[ -e /usr/bin/rpm ] && /usr/bin/rpm -q --whatprovides /usr/bin/apt-get >/dev/null 2>&1 && echo apt-rpm',
    ].join('; '),
  },
  {
    section: 'svc',
    collectors: ['service_mgr'],
    sh: [
      'if [ -r /proc/1/comm ]; then echo "proc1=$(cat /proc/1/comm)"; else echo "ps1=$(ps -p 1 -o comm 2>/dev/null | tail -n 1)"; fi',
      'echo "init=$(readlink /sbin/init 2>/dev/null)"',
      'command -v systemctl >/dev/null 2>&1 && echo systemctl',
      'for d in /run/systemd/system/ /dev/.run/systemd/ /dev/.systemd/; do [ -e "$d" ] && echo canary; done',
      'command -v initctl >/dev/null 2>&1 && [ -e /etc/init/ ] && echo upstart',
      '[ -e /sbin/openrc ] && echo openrc',
      '[ -e /etc/init.d/ ] && echo initd',
    ].join('; '),
  },
  { section: 'cmdline', collectors: ['cmdline'], sh: 'cat /proc/cmdline 2>/dev/null' },
  {
    // Python's time.tzname[1] on glibc: the zone name in January or July, whichever is DST.
    section: 'date',
    collectors: ['date_time'],
    sh: [
      "date '+%Y|%m|%d|%H|%M|%S|%s|%N|%Z|%z|%A|%w|%W'",
      // An arithmetic error would end a non-interactive sh: only digits reach $(( )).
      's=$(date +%s 2>/dev/null); case $s in ""|*[!0-9]*) ;; *) t=$((s / 31557600 * 31557600))',
      "date -d \"@$t\" '+%z|%Z' 2>/dev/null || echo",
      "date -d \"@$((t + 15778800))\" '+%z|%Z' 2>/dev/null || echo;; esac",
    ].join('; '),
  },
  { section: 'loadavg', collectors: ['loadavg'], sh: 'cat /proc/loadavg 2>/dev/null' },
  {
    section: 'sshkeys',
    collectors: ['ssh_pub_keys'],
    sh: 'for d in /etc/ssh /etc/openssh /etc; do for a in dsa rsa ecdsa ed25519; do [ -r "$d/ssh_host_${a}_key.pub" ] && echo "$d $a $(head -n 1 "$d/ssh_host_${a}_key.pub")"; done; done',
  },
  {
    // getpass.getuser(): LOGNAME, USER, then the uid's name.
    section: 'user',
    collectors: ['user'],
    sh: [
      'u=${LOGNAME:-${USER:-$(id -un 2>/dev/null)}}',
      'echo "$u"; id -u; id -g; id -ru; id -rg',
      'getent passwd "$u" 2>/dev/null || getent passwd "$(id -u)" 2>/dev/null || grep "^$u:" /etc/passwd 2>/dev/null || echo',
    ].join('; '),
  },
  { section: 'dns', collectors: ['dns'], sh: 'cat /etc/resolv.conf 2>/dev/null' },
  {
    section: 'cpu',
    collectors: ['hardware'],
    sh: "grep -E '^(processor|vendor_id|model name|Processor|cpu|Vendor|physical id|core id|cpu cores|siblings|# processors|ncpus active)[[:space:]]*:' /proc/cpuinfo 2>/dev/null; echo \"nproc: $(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null)\"; [ -e /proc/xen ] && echo 'xen: 1'",
  },
  { section: 'mem', collectors: ['hardware'], sh: 'cat /proc/meminfo 2>/dev/null; echo "Uptime: $(cut -d" " -f1 /proc/uptime 2>/dev/null)"' },
  {
    section: 'dmi',
    collectors: ['hardware'],
    sh: 'for f in bios_date bios_vendor bios_version board_asset_tag board_name board_serial board_vendor board_version chassis_asset_tag chassis_serial chassis_vendor chassis_version product_name product_serial product_uuid product_version sys_vendor; do echo "$f=$(cat /sys/devices/virtual/dmi/id/$f 2>/dev/null | head -n 1)"; done',
  },
  {
    section: 'ip',
    collectors: ['network'],
    sh: 'if command -v ip >/dev/null 2>&1; then echo "@link"; T ip -o link 2>/dev/null; echo "@addr"; T ip -o addr 2>/dev/null; echo "@route4"; T ip -4 route get 8.8.8.8 2>/dev/null; echo "@route6"; T ip -6 route get 2404:6800:400a:800::1012 2>/dev/null; fi',
  },
  {
    // facts.d: an executable .fact file is run, any other read; each behind its own marker (FACT_PATH is set by factsScript).
    section: 'local',
    collectors: ['local'],
    sh: 'if [ -d "$FACT_PATH" ]; then for f in "$FACT_PATH"/*.fact; do [ -f "$f" ] || continue; n=${f##*/}; echo "$FILE_MARK${n%.fact}"; if [ -x "$f" ]; then T "$f"; else cat "$f"; fi; r=$?; echo; echo "$FILE_MARK$r"; done; fi',
  },
  // Last: values may hold anything. `env -0` keeps multi-line values apart; plain `env` where it is missing.
  { section: 'env', collectors: ['env'], sh: 'env -0 2>/dev/null || env' },
];

/** The sections the selected collectors need, in script order. */
export function sectionsFor(collectors: Set<string>): string[] {
  return PARTS.filter((p) => p.collectors.some((c) => collectors.has(c))).map((p) => p.section);
}

/** The script for these collectors; its markers are `@@pw-<nonce>:<section>`. */
export function factsScript(collectors: Set<string>, nonce: string, timeoutSec = 10, factPath = DEFAULT_FACT_PATH): string {
  const parts = PARTS.filter((p) => p.collectors.some((c) => collectors.has(c)));
  const t = Math.max(1, Math.floor(timeoutSec));
  return [
    // A probe that may hang (DNS, netlink, a facts.d program) gets the gather_timeout, when `timeout` is there.
    `T() { if command -v timeout >/dev/null 2>&1; then timeout ${t} "$@"; else "$@"; fi; }`,
    `FACT_PATH=${shellQuote(factPath)}; FILE_MARK='@@pw-${nonce}-file:'`,
    ...parts.map((p) => `echo '@@pw-${nonce}:${p.section}'; { ${p.sh}; } 2>/dev/null`),
    'exit 0',
  ].join('\n');
}
