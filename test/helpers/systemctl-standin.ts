/**
 * A recording `systemctl` stand-in for tests on machines where systemd is
 * not PID 1: a small sh script that keeps each unit's state in files and
 * appends every call (its arguments, one line) to a log. Put its `bin`
 * first on a host's PATH (`environment: {PATH: …}`). It answers what
 * playwatch and ansible-core 2.14 ask: `show`, `is-active`, `is-enabled`,
 * `list-unit-files`, `start`/`stop`/`restart`/`reload`, `enable`/`disable`,
 * `mask`/`unmask`, `daemon-reload`, `daemon-reexec`; options (`--user`,
 * `-l`…) are recorded and otherwise ignored.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface UnitState {
  active?: boolean;
  enabled?: boolean;
  masked?: boolean;
}

export interface StandIn {
  dir: string;
  /** The folder to put first on PATH. */
  bin: string;
  /** Every call so far, one string each (`is-active web`). */
  calls(): string[];
  /** Forgets the calls so far. */
  clearCalls(): void;
  /** A unit's state now; undefined when the unit does not exist. */
  unit(name: string): UnitState | undefined;
  /** Every unit and its state (for comparing two runs). */
  units(): Record<string, UnitState>;
}

const SCRIPT = `#!/bin/sh
D=@DIR@
printf '%s\\n' "$*" >>"$D/calls"
verb=; unit=
for a in "$@"; do
  case "$a" in
    -*) ;;
    *) if [ -z "$verb" ]; then verb=$a; elif [ -z "$unit" ]; then unit=\${a%.service}; fi ;;
  esac
done
u="$D/units/$unit"
has() { [ -e "$u.$1" ]; }
known() { [ -n "$unit" ] && [ -e "$u" ]; }
nounit() { echo "Failed to $1 $unit.service: Unit $unit.service not found." >&2; exit 5; }
case "$verb" in
  show)
    echo "Id=$unit.service"
    if has masked; then echo LoadState=masked; elif known; then echo LoadState=loaded; else echo LoadState=not-found; fi
    if known && has active; then echo ActiveState=active; echo SubState=running; else echo ActiveState=inactive; echo SubState=dead; fi
    if has masked; then echo UnitFileState=masked; elif known && has enabled; then echo UnitFileState=enabled; elif known; then echo UnitFileState=disabled; fi
    exit 0 ;;
  is-active)
    if known && has active; then echo active; exit 0; fi
    echo inactive; exit 3 ;;
  is-enabled)
    if has masked; then echo masked; exit 1; fi
    known || { echo "Failed to get unit file state for $unit.service: No such file or directory" >&2; exit 1; }
    if has enabled; then echo enabled; exit 0; fi
    echo disabled; exit 1 ;;
  list-unit-files)
    known || exit 1
    echo "$unit.service disabled"; exit 0 ;;
  start|restart|reload)
    known || nounit "$verb"
    if has masked; then echo "Failed to $verb $unit.service: Unit $unit.service is masked." >&2; exit 1; fi
    : >"$u.active" ;;
  stop) known || nounit stop; rm -f "$u.active" ;;
  enable) known || nounit enable; : >"$u.enabled" ;;
  disable) known || nounit disable; rm -f "$u.enabled" ;;
  mask) : >"$u.masked" ;;
  unmask) rm -f "$u.masked" ;;
  daemon-reload|daemon-reexec) ;;
  *) echo "systemctl stand-in: unknown command '$verb'" >&2; exit 1 ;;
esac
exit 0
`;

/** Makes a stand-in with these units (each exists; its flags as given). */
export function makeStandIn(units: Record<string, UnitState>, base = os.tmpdir()): StandIn {
  const dir = fs.mkdtempSync(path.join(base, 'pw-systemctl-'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.mkdirSync(path.join(dir, 'units'));
  fs.writeFileSync(path.join(bin, 'systemctl'), SCRIPT.replace('@DIR@', `'${dir}'`), { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'calls'), '');
  const file = (name: string, flag = '') => path.join(dir, 'units', flag ? `${name}.${flag}` : name);
  for (const [name, s] of Object.entries(units)) {
    fs.writeFileSync(file(name), '');
    for (const flag of ['active', 'enabled', 'masked'] as const) if (s[flag]) fs.writeFileSync(file(name, flag), '');
  }
  const unit = (name: string): UnitState | undefined => {
    if (!fs.existsSync(file(name)) && !fs.existsSync(file(name, 'masked'))) return undefined;
    return { active: fs.existsSync(file(name, 'active')), enabled: fs.existsSync(file(name, 'enabled')), masked: fs.existsSync(file(name, 'masked')) };
  };
  return {
    dir,
    bin,
    calls: () => fs.readFileSync(path.join(dir, 'calls'), 'utf8').split('\n').filter(Boolean),
    clearCalls: () => fs.writeFileSync(path.join(dir, 'calls'), ''),
    unit,
    units() {
      const names = new Set(fs.readdirSync(path.join(dir, 'units')).map((f) => f.replace(/\.(active|enabled|masked)$/, '')));
      return Object.fromEntries([...names].sort().map((n) => [n, unit(n)!]));
    },
  };
}
