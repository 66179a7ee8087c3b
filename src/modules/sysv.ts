/**
 * What `service` does on a host without systemd, as one `sh` script, the
 * way ansible-core's generic `service` module does it on Linux: the init
 * script `/etc/init.d/NAME` run through `service NAME …` (or directly when
 * there is no `service` command), its status by exit code, and boot links
 * through `update-rc.d` (or `chkconfig`). A host with neither systemd nor
 * an init script by that name gets one error saying what it lacks.
 */
import type { ModuleResult } from '../model/index.js';
import { failMessage, MARKS_SH, readMarks } from './marks.js';
import { q } from './sh.js';
import type { ServiceState } from './systemctl.js';

export interface InitRequest {
  name: string;
  state?: ServiceState;
  enabled?: boolean;
  /** `arguments`: words added after the action. */
  args: string[];
  /** Seconds between stop and start of a restart (`sleep`). */
  sleep?: number;
  /** Init scripts were asked for (`use: sysvinit`), not found for lack of systemd. */
  forced?: boolean;
  check: boolean;
}

/** sh that says why systemd is not used here, for the error of a host with neither systemd nor an init script. */
export const NO_SYSTEMD_SH =
  'if command -v systemctl >/dev/null 2>&1; then why="systemd is not running (no /run/systemd/system)"; else why="no systemctl on PATH"; fi';

/** The sh that does `r` with the init script; expects MARKS_SH's functions. */
export function sysvBody(r: InitRequest): string {
  const extra = r.args.map((a) => ` ${q(a)}`).join('');
  const lines = [
    `N=${q(r.name)}`,
    'init=/etc/init.d/"$N"',
    ...(r.forced
      ? ['[ -f "$init" ] || fail "service $N: no init script $init (use: sysvinit)" ""']
      : ['[ -f "$init" ] || {', `  ${NO_SYSTEMD_SH}`, '  fail "service $N: this host has no systemd ($why) and no init script $init" ""', '}']),
    'svc=$(command -v service) || svc=',
    `ctl() { if [ -n "$svc" ]; then "$svc" "$N" "$@"${extra}; else "$init" "$@"${extra}; fi; }`,
    `act() { mark changed "$1"; ${r.check ? 'return 0;' : ''} out=$(ctl "$1" 2>&1) || fail "Unable to $1 service $N" "$out"; }`,
    'mark tool init',
  ];
  if (r.enabled !== undefined) lines.push(...enableLines(r.enabled, r.check));
  if (r.state !== undefined) {
    const restart = r.sleep ? `act stop; ${r.check ? '' : `sleep ${r.sleep}; `}act start` : 'act restart';
    const decide: Record<ServiceState, string> = {
      started: '[ $up = 1 ] || act start',
      stopped: '[ $up = 1 ] && act stop',
      restarted: `if [ $up = 1 ]; then ${restart}; else act start; fi`,
      reloaded: 'if [ $up = 1 ]; then act reload; else act start; fi',
    };
    lines.push('up=0; ctl status >/dev/null 2>&1 && up=1', 'mark running $up', decide[r.state]);
  }
  return lines.join('\n');
}

/** Boot links: enabled when an `S??NAME` link is in some runlevel, as ansible-core's update-rc.d branch reads them. */
function enableLines(want: boolean, check: boolean): string[] {
  const verb = want ? 'enable' : 'disable';
  const tryRun = (cmd: string) => `out=$(${cmd} 2>&1) || fail "Unable to ${verb} service $N" "$out"`;
  const change = check ? [] : [
    '  if [ "$tool" = update-rc.d ]; then',
    // A script with no links at all gets its default links first, then the ones asked for.
    ...(want ? [`    links K || ${tryRun('update-rc.d "$N" defaults')}`] : []),
    `    ${tryRun(`update-rc.d "$N" ${verb}`)}`,
    '  else',
    `    ${tryRun(`chkconfig "$N" ${want ? 'on' : 'off'}`)}`,
    '  fi',
  ];
  return [
    'links() { for l in /etc/rc?.d/$1??"$N"; do [ -e "$l" ] && return 0; done; return 1; }',
    'cur=false; links S && cur=true',
    `if [ $cur != ${want} ]; then`,
    '  if command -v update-rc.d >/dev/null 2>&1; then tool=update-rc.d',
    '  elif command -v chkconfig >/dev/null 2>&1; then tool=chkconfig',
    '  else fail "cannot enable or disable $N: the host has neither update-rc.d nor chkconfig" ""; fi',
    `  mark changed ${verb}`,
    ...change,
    'fi',
  ];
}

/** The whole script for `service` on a host without systemd. */
export function sysvScript(r: InitRequest): string {
  return `${MARKS_SH}\n${sysvBody(r)}\n`;
}

/** ansible-core's keys for a service run through its init script: `name`, `changed`, `state`, `enabled`. */
export function sysvResult(r: InitRequest, stdout: string): ModuleResult {
  const marks = readMarks(stdout);
  const base: ModuleResult = { name: r.name, changed: (marks.values.get('changed') ?? []).length > 0 };
  if (marks.fail) return { ...base, failed: true, msg: failMessage(marks.fail) };
  if (r.state !== undefined) base.state = r.state === 'stopped' ? 'stopped' : 'started';
  if (r.enabled !== undefined) base.enabled = r.enabled;
  return base;
}
