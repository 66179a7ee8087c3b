/**
 * The `sh` loop `wait_for` sends: one command that waits on the target
 * until its condition holds or its time is up, so a long wait costs one
 * round trip and dies with the command's process group when the run is
 * aborted or the task's `timeout:` ends it.
 *
 * Ports are probed with what the target has, in this order:
 * - `nc -z -w N host port` (any netcat: OpenBSD, traditional, busybox, ncat);
 * - bash's `/dev/tcp/host/port` (not POSIX `sh`, so run under `bash -c`);
 * - for a local host only (127.x, localhost, 0.0.0.0, ::1, ::), a
 *   listening socket on the port in `/proc/net/tcp` and `tcp6`.
 * Each probe runs under `timeout` where the target has it, so a filtered
 * port costs `connect_timeout`, not the kernel's connect timeout. A
 * `search_regex` on a port reads the banner through bash (or nc). Neither
 * and not local: the script says `how none` and the module fails naming
 * what is missing. `drained` counts connections in `/proc/net/tcp{,6}` as
 * ansible-core does on Linux.
 *
 * The script prints `ok <elapsed>` or `timeout <elapsed>` (whole seconds
 * from the start, the delay included, as ansible-core's `elapsed`), and
 * with a `search_regex` the first matching line as `line <base64>`.
 */
import { stateScript } from './remote-file.js';
import { q } from './sh.js';

export type WaitState = 'started' | 'stopped' | 'present' | 'absent' | 'drained';

export interface WaitPlan {
  state: WaitState;
  host: string;
  port?: number;
  path?: string;
  /** The search regex as a `grep -E` pattern. */
  grep?: string;
  delay: number;
  timeout: number;
  sleep: number;
  connectTimeout: number;
  /** For `drained`: hex addresses as /proc/net/tcp writes them (`0100007F`), the states' hex ids, excluded remote addresses. */
  drain?: { local: string[]; states: string[]; exclude: string[] };
  /** The host is this machine, so /proc/net/tcp can stand in for a connect. */
  local: boolean;
}

/** The probes: `open` (a connect succeeds), `match` (a connect's data holds the regex; prints the line). */
const PROBES = [
  'tm() { if command -v timeout >/dev/null 2>&1; then timeout "$@"; else shift; "$@"; fi; }',
  'left() { r=$((end - $(date +%s))); [ "$r" -lt 1 ] && r=1; echo "$r"; }',
  'how=none',
  'if command -v nc >/dev/null 2>&1; then how=nc; elif command -v bash >/dev/null 2>&1; then how=bash; elif [ "$local" = 1 ] && [ -r /proc/net/tcp ]; then how=proc; fi',
  'open() {',
  '  c=$(left); [ "$c" -gt "$ct" ] && c=$ct',
  '  case $how in',
  '    nc) tm "$c" nc -z -w "$c" "$h" "$port" >/dev/null 2>&1 ;;',
  '    bash) tm "$c" bash -c \'exec 3<>"/dev/tcp/$0/$1"\' "$h" "$port" >/dev/null 2>&1 ;;',
  '    proc) awk -v p="$(printf \'%04X\' "$port")" \'FNR > 1 { split($2, a, ":"); if (a[2] == p && $4 == "0A") f = 1 } END { exit !f }\' /proc/net/tcp /proc/net/tcp6 2>/dev/null ;;',
  '  esac',
  '}',
  'match() {',
  '  case $how in',
  '    bash) l=$(tm "$(left)" bash -c \'exec 3<>"/dev/tcp/$0/$1" || exit 9; grep -a -E -m1 -- "$2" <&3\' "$h" "$port" "$re" 2>/dev/null) ;;',
  '    nc) l=$(tm "$(left)" nc "$h" "$port" </dev/null 2>/dev/null | grep -a -E -m1 -- "$re") ;;',
  '    *) return 1 ;;',
  '  esac',
  '}',
];

/** Prints the matched line `$l` for the controller, which finds the groups in it. */
const SAY_LINE = 'printf \'line %s\\n\' "$(printf \'%s\' "$l" | base64 | tr -d \'\\n\')"';

/** The condition each state waits for, as an `sh` command list that succeeds when it holds. */
function condition(plan: WaitPlan): string {
  const { state } = plan;
  if (plan.path !== undefined) {
    if (state === 'absent') return '[ ! -e "$p" ]';
    return plan.grep === undefined ? '[ -e "$p" ]' : `[ -e "$p" ] && l=$(grep -a -E -m1 -- "$re" "$p" 2>/dev/null) && ${SAY_LINE}`;
  }
  if (state === 'drained') {
    const d = plan.drain!;
    // ansible-core's LinuxTCPConnectionInfo: active states on the port, local address the host's (or any), remote not excluded.
    const awk = 'FNR > 1 { split($2, la, ":"); split($3, ra, ":"); if (la[2] != p || index(st, " " $4 " ") == 0 || index(ex, " " ra[1] " ") > 0) next; if (index(ips, " " la[1] " ") > 0 || index(ips, " any ") > 0 || (substr(la[1], 1, 24) == "0000000000000000FFFF0000" && index(ips, " v4any ") > 0)) n++ } END { exit n > 0 }';
    return `awk -v p="$(printf '%04X' "$port")" -v ips=${q(` ${d.local.join(' ')} `)} -v st=${q(` ${d.states.join(' ')} `)} -v ex=${q(` ${d.exclude.join(' ')} `)} ${q(awk)} /proc/net/tcp /proc/net/tcp6 2>/dev/null`;
  }
  if (state === 'stopped' || state === 'absent') return '! open';
  return plan.grep === undefined ? 'open' : `match && ${SAY_LINE}`;
}

/** The whole wait as one `sh` script. */
export function waitScript(plan: WaitPlan): string {
  const lines = [
    `h=${q(plan.host)}; port=${plan.port ?? 0}; p=${q(plan.path ?? '')}; re=${q(plan.grep ?? '')}`,
    `t=${plan.timeout}; nap=${plan.sleep}; ct=${plan.connectTimeout}; local=${plan.local ? 1 : 0}`,
    'start=$(date +%s)',
    `[ ${plan.delay} -gt 0 ] && sleep ${plan.delay}`,
    'end=$((start + t))',
    // A path's state after a successful wait: ansible-core adds the path's attributes to the result.
    `after() {\n${plan.path !== undefined ? stateScript() : ':'}\n}`,
    'done_() { echo "$1 $(($(date +%s) - start))"; [ "$1" = ok ] && after; exit 0; }',
  ];
  if (plan.port === undefined && plan.path === undefined && plan.state !== 'drained') {
    // Neither port nor path: ansible-core sleeps the whole timeout.
    return [...lines, 'sleep "$t"', 'done_ ok'].join('\n');
  }
  if (plan.port !== undefined && plan.state !== 'drained') {
    lines.push(...PROBES);
    const need = plan.grep !== undefined && (plan.state === 'started' || plan.state === 'present') ? '[ "$how" = bash ] || [ "$how" = nc ]' : '[ "$how" != none ]';
    lines.push(`${need} || { echo "how $how"; exit 0; }`);
  }
  if (plan.state === 'drained') lines.push('[ -r /proc/net/tcp ] || { echo "how noproc"; exit 0; }');
  lines.push(
    'while [ "$(date +%s)" -lt "$end" ]; do',
    `  if ${condition(plan)}; then done_ ok; fi`,
    '  sleep "$nap"',
    'done',
    'done_ timeout',
  );
  return lines.join('\n');
}

/** TCP states by name, as /proc/net/tcp numbers them. */
export const TCP_STATES: Record<string, string> = {
  ESTABLISHED: '01', SYN_SENT: '02', SYN_RECV: '03', FIN_WAIT1: '04', FIN_WAIT2: '05', TIME_WAIT: '06',
  CLOSE: '07', CLOSE_WAIT: '08', LAST_ACK: '09', LISTEN: '0A', CLOSING: '0B',
};

/**
 * An address as /proc/net/tcp writes it (each 32-bit word in the kernel's
 * little-endian order), or `any`/`v4any` for the wildcard addresses;
 * undefined for a name (drained takes addresses; `localhost` is both loopbacks).
 */
export function procAddresses(host: string): string[] | undefined {
  if (host === 'localhost') return [...procAddresses('127.0.0.1')!, ...procAddresses('::1')!];
  if (host === '0.0.0.0') return ['any'];
  if (host === '::') return ['any', 'v4any'];
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  if (v4) return [v4.slice(1).reverse().map((b) => Number(b).toString(16).padStart(2, '0')).join('').toUpperCase()];
  const words = ipv6Words(host);
  if (!words) return undefined;
  let hex = '';
  for (let i = 0; i < 8; i += 2) {
    const word = ((words[i] << 16) | words[i + 1]) >>> 0;
    // The word as the kernel stores it on a little-endian machine.
    hex += word.toString(16).padStart(8, '0').match(/../g)!.reverse().join('');
  }
  return [hex.toUpperCase()];
}

function ipv6Words(host: string): number[] | undefined {
  if (!/^[0-9a-fA-F:]+$/.test(host) || !host.includes(':')) return undefined;
  const [head, tail, more] = host.split('::');
  if (more !== undefined) return undefined;
  const part = (s: string | undefined) => (s ? s.split(':').map((w) => parseInt(w, 16)) : []);
  const a = part(head);
  const b = part(tail);
  const fill = tail === undefined ? 0 : 8 - a.length - b.length;
  const words = [...a, ...Array(Math.max(0, fill)).fill(0), ...b];
  return words.length === 8 && words.every((w) => w >= 0 && w <= 0xffff) ? words : undefined;
}

/** Hosts a `/proc/net/tcp` look can answer for: this machine's own addresses. */
export function isLocalHost(host: string): boolean {
  return host === 'localhost' || host === '0.0.0.0' || host === '::' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
