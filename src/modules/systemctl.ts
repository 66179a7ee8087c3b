/**
 * What `systemd` (and `service` on a systemd host) does, as one `sh`
 * script: it reads the unit (`systemctl show`, `is-enabled`, `is-active`),
 * decides, and acts, in ansible-core 2.14's order (daemon-reload, mask,
 * enable, state). In check mode it decides and prints the same marks
 * without acting, so `--check` predicts the real run and a second run
 * calls only the readers.
 */
import type { ModuleResult } from '../model/index.js';
import { failMessage, lastMark, MARKS_SH, readMarks } from './marks.js';
import { q } from './sh.js';

export type ServiceState = 'started' | 'stopped' | 'restarted' | 'reloaded';

export interface UnitRequest {
  name?: string;
  state?: ServiceState;
  enabled?: boolean;
  masked?: boolean;
  daemonReload?: boolean;
  daemonReexec?: boolean;
  scope?: 'system' | 'user' | 'global';
  noBlock?: boolean;
  force?: boolean;
  check: boolean;
}

/** The script's `sc` function: systemctl with the scope and flags asked for, as ansible-core builds its command. */
function scFunction(r: UnitRequest): string {
  const flags = [
    ...(r.scope && r.scope !== 'system' ? [`--${r.scope}`] : []),
    ...(r.noBlock ? ['--no-block'] : []),
    ...(r.force ? ['--force'] : []),
  ];
  return `sc() { "$SC"${flags.map((f) => ` ${f}`).join('')} "$@"; }`;
}

/** The sh that does `r` with systemctl; expects MARKS_SH's functions. */
export function systemctlBody(r: UnitRequest): string {
  const lines = [
    "SC=$(command -v systemctl) || fail 'systemctl not found on the host: it has no systemd (PATH='\"$PATH\"')' ''",
    scFunction(r),
    // ansible-core sets it the same way (systemctl --user needs it).
    ...(r.scope === 'user' || r.scope === 'global' ? ['[ -n "${XDG_RUNTIME_DIR:-}" ] || export XDG_RUNTIME_DIR=/run/user/$(id -u)'] : []),
    // `act VERB`: a change; made unless in check mode.
    `act() { mark changed "$1"; acted=1; ${r.check ? 'return 0;' : ''} out=$(sc "$1" "$N" 2>&1) || fail "Unable to $1 service $N" "$out"; }`,
  ];
  if (!r.check) {
    if (r.daemonReload) lines.push("out=$(sc daemon-reload 2>&1) || fail 'failure during daemon-reload' \"$out\"");
    if (r.daemonReexec) lines.push("out=$(sc daemon-reexec 2>&1) || fail 'failure during daemon-reexec' \"$out\"");
  }
  if (r.name === undefined) return lines.join('\n');
  lines.push(
    `N=${q(r.name)}`,
    'show=$(sc show "$N" 2>&1) || fail "systemctl show $N failed" "$show"',
    // Builtins only from here on: the target's PATH may hold little more than systemctl.
    'printf \'%s\\n\' "$show" | while IFS= read -r l; do printf \'@pw:show %s\\n\' "$l"; done',
    // ansible-core: a unit is there when systemd has loaded it, or an init script by its name exists.
    'found=0',
    'case "$show" in *LoadState=not-found*) ;; *LoadState=*) found=1 ;; esac',
    ...(r.scope === undefined || r.scope === 'system' ? ['[ -x /etc/init.d/"$N" ] && found=1 && mark initd yes'] : []),
    'missing() { [ $found = 1 ] || fail "Could not find the requested service $N: host" ""; }',
  );
  if (r.masked !== undefined || r.enabled !== undefined) lines.push('en=$(sc is-enabled "$N" 2>/dev/null); enrc=$?');
  if (r.masked !== undefined) {
    lines.push(r.masked ? '[ "$en" = masked ] || act mask' : '[ "$en" = masked ] && act unmask');
    // A real mask or unmask changes what is-enabled says next.
    if (!r.check && r.enabled !== undefined) lines.push('[ -z "${acted:-}" ] || { en=$(sc is-enabled "$N" 2>/dev/null); enrc=$?; }');
  }
  if (r.enabled !== undefined) {
    lines.push(
      'missing',
      'cur=false; [ $enrc = 0 ] && case "$en" in indirect|alias) ;; *) cur=true ;; esac',
      r.enabled ? '[ $cur = true ] || act enable' : '[ $cur = true ] && act disable',
      `mark enabled ${r.enabled}`,
    );
  }
  if (r.state !== undefined) {
    const running = 'active|activating';
    const decide: Record<ServiceState, string> = {
      started: `case "$st" in ${running}) ;; *) act start ;; esac`,
      stopped: `case "$st" in ${running}|deactivating) act stop ;; esac`,
      restarted: `case "$st" in ${running}) act restart ;; *) act start ;; esac`,
      reloaded: `case "$st" in ${running}) act reload ;; *) act start ;; esac`,
    };
    lines.push('missing', 'st=$(sc is-active "$N" 2>/dev/null)', 'mark active "$st"', decide[r.state]);
  }
  return lines.join('\n');
}

/** The whole script for the `systemd` module. */
export function systemctlScript(r: UnitRequest): string {
  return `${MARKS_SH}\n${systemctlBody(r)}\n`;
}

/** `systemctl show`'s `Key=Value` lines as ansible-core's `status` (a `{ … }` value may run over several lines). */
export function parseShow(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  let key: string | undefined;
  for (const line of lines) {
    if (key !== undefined) {
      out[key] += `\n${line}`;
      if (line.trimEnd().endsWith('}')) key = undefined;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const k = line.slice(0, eq);
    const v = line.slice(eq + 1);
    out[k] = v;
    if (v.startsWith('{') && !v.trimEnd().endsWith('}')) key = k;
  }
  return out;
}

const NOT_BOOTED = /not been booted with systemd|Failed to connect to bus|Host is down/i;

/** The module result from the script's output, with ansible-core's keys (`name`, `changed`, `status`, `enabled`, `state`). */
export function systemctlResult(r: UnitRequest, stdout: string): ModuleResult {
  const marks = readMarks(stdout);
  const status = parseShow(marks.values.get('show') ?? []);
  const base: ModuleResult = { name: r.name, changed: (marks.values.get('changed') ?? []).length > 0, status };
  if (marks.fail) {
    const msg = NOT_BOOTED.test(marks.fail.output)
      ? `systemd is not running on this host (${marks.fail.output.split('\n')[0]}); for init scripts use the service module`
      : failMessage(marks.fail);
    return { ...base, failed: true, msg };
  }
  if (r.enabled !== undefined) base.enabled = r.enabled;
  // ansible-core reports a restart or reload as the state it leaves: started.
  if (r.state !== undefined) base.state = r.state === 'stopped' ? 'stopped' : 'started';
  if (lastMark(marks, 'initd') && !/^(loaded|masked)$/.test(status.LoadState ?? '')) {
    base.warnings = [`The service (${r.name}) is actually an init script but the system is managed by systemd`];
  }
  return base;
}
