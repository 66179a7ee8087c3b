import type { ModuleResult } from '../model/index.js';
import { exactScript, missingFailure, missingScript, readExact, replaceScript, sections } from './accounts.js';
import { remoteFailure } from './remote-file.js';
import { q } from './sh.js';
import { readArgs, specValidator, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

/** ansible.posix's `sysctl` options (ansible-core 2.14 ships it in the ansible.posix collection). */
const SPEC: ArgSpec = {
  options: {
    name: { type: 'str', required: true, aliases: ['key'] },
    value: { type: 'str', aliases: ['val'] },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'] },
    reload: { type: 'bool', default: true },
    sysctl_set: { type: 'bool', default: false },
    ignoreerrors: { type: 'bool', default: false },
    sysctl_file: { type: 'path', default: '/etc/sysctl.conf' },
  },
  requiredIf: [['state', 'present', ['value']]],
};

interface Args {
  name: string;
  value: string;
  state: 'present' | 'absent';
  reload: boolean;
  sysctl_set: boolean;
  ignoreerrors: boolean;
  sysctl_file: string;
}

const TRUE_WORDS = ['y', 'yes', 'on', '1', 'true', 't'];
const FALSE_WORDS = ['n', 'no', 'off', '0', 'false', 'f'];

/** ansible.posix's _parse_value: yes/no words become 1/0, other values are trimmed. */
export function parseValue(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  const s = String(v);
  if (TRUE_WORDS.includes(s.toLowerCase())) return '1';
  if (FALSE_WORDS.includes(s.toLowerCase())) return '0';
  return s.trim();
}

/** Values compared word by word (`4096 87380 6291456` whatever the spacing). */
export function sameValue(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = a.split(/\s+/).filter(Boolean);
  const y = b.split(/\s+/).filter(Boolean);
  return x.length === y.length && x.every((w, i) => w === y[i]);
}

/**
 * The file edit and the decision of ansible.posix's SysctlModule.process:
 * every `key=value` line written back trimmed and without spaces around
 * `=` (a key given twice keeps its first line), the key set or dropped,
 * added at the end when new.
 */
export function planSysctl(a: Args, fileText: string, proc: string | undefined): { changed: boolean; writeFile: boolean; setProc: boolean; text: string } {
  const lines = (fileText.match(/[^\n]*\n|[^\n]+$/g) ?? []).map((l) => l.trim());
  const values = new Map<string, string>();
  for (const line of lines) {
    if (!line || line.startsWith('#') || line.startsWith(';') || !line.includes('=')) continue;
    const at = line.indexOf('=');
    values.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  const fixed: string[] = [];
  const checked = new Set<string>();
  for (const line of lines) {
    if (!line.trim() || line.trim().startsWith('#') || line.trim().startsWith(';') || !line.includes('=')) {
      fixed.push(line);
      continue;
    }
    const at = line.indexOf('=');
    const k = line.slice(0, at).trim();
    const v = line.slice(at + 1).trim();
    if (checked.has(k)) continue;
    checked.add(k);
    if (k !== a.name) fixed.push(`${k}=${v}`);
    else if (a.state === 'present') fixed.push(`${k}=${a.value}`);
  }
  if (!checked.has(a.name) && a.state === 'present') fixed.push(`${a.name}=${a.value}`);
  const inFile = values.get(a.name);
  let changed = false;
  let writeFile = false;
  let setProc = false;
  if (inFile === undefined) {
    if (a.state === 'present') changed = writeFile = true;
  } else if (inFile && a.state === 'absent') changed = writeFile = true;
  else if (inFile !== a.value) changed = writeFile = true;
  else if (a.reload && !sameValue(proc, a.value)) changed = true;
  if (a.sysctl_set && a.state === 'present') {
    if (proc === undefined) changed = true;
    else if (!sameValue(proc, a.value)) changed = setProc = true;
  }
  return { changed, writeFile, setProc, text: fixed.map((l) => `${l.trim()}\n`).join('') };
}

/** The read: the running value (`sysctl -e -n`, LANG=C) and the file. */
export function sysctlReadScript(a: Args): string {
  return [
    missingScript(['sysctl']),
    `v=$(LC_ALL=C LANG=C sysctl -e -n ${q(a.name)} 2>/dev/null; r=$?; echo .; exit $r); r=$?`,
    `echo '@@@ proc_rc'; echo "$r"`,
    `echo '@@@ proc'; printf '%s\\n' "\${v%.}"`,
    `p=${q(a.sysctl_file)}`,
    exactScript(`if [ -f "$p" ]; then cat -- "$p"; fi`),
  ].join('\n');
}

/** The change, in one command: set the running value, write the file, reload it; each failure named as ansible.posix names it. */
export function sysctlWriteScript(a: Args, plan: { writeFile: boolean; setProc: boolean; changed: boolean }): string {
  const e = a.ignoreerrors ? ' -e' : '';
  const failed = `'^sysctl: setting key "[^"]*": (Invalid argument|Read-only file system)$'`;
  const lines = ['export LANG=C LC_ALL=C LC_MESSAGES=C'];
  if (plan.setProc) {
    lines.push(
      `o=$(sysctl${e} -w ${q(`${a.name}=${a.value}`)} 2>&1); r=$?`,
      `if [ $r != 0 ] || printf '%s\\n' "$o" | grep -Eq ${failed}; then printf 'setting %s failed: %s\\n' ${q(a.name)} "$o" >&2; exit 81; fi`,
    );
  }
  if (plan.writeFile) lines.push(`p=${q(a.sysctl_file)}`, replaceScript());
  if (plan.changed && a.reload) {
    lines.push(
      `o=$(sysctl${e} -p ${q(a.sysctl_file)} 2>&1); r=$?`,
      `if [ $r != 0 ] || printf '%s\\n' "$o" | grep -Eq ${failed}; then printf 'Failed to reload sysctl: %s\\n' "$o" >&2; exit 82; fi`,
    );
  }
  return lines.join('\n');
}

/**
 * `sysctl`: one command reads the running value and the file; the edit is
 * decided here as ansible.posix's module decides it; one more command sets
 * the value (`sysctl_set`), rewrites the file and reloads it (`reload`).
 * Result `changed` only, as there.
 */
export const sysctlModule: Module = {
  name: 'sysctl',
  supportsCheck: true,
  validate: specValidator('sysctl', SPEC),
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const raw = readArgs('sysctl', SPEC, ctx.args);
    const a = { ...(raw as unknown as Args), name: String(raw.name).trim(), value: parseValue(raw.value) };
    if (a.state === 'present' && (raw.value === undefined || raw.value === null)) return { failed: true, changed: false, msg: 'state is present but all of the following are missing: value' };
    if (a.name === '') return { failed: true, changed: false, msg: 'name cannot be blank' };
    if (a.state === 'present' && a.value === '') return { failed: true, changed: false, msg: 'value cannot be blank' };
    const res = await ctx.exec(sysctlReadScript(a));
    const exact = readExact(res.stdout);
    if (res.rc !== 0 || !exact) return remoteFailure(`could not read ${a.sysctl_file}`, res);
    const s = sections(res.stdout.slice(0, res.stdout.indexOf('@@@ begin\n')));
    const lacking = missingFailure('sysctl', s.get('missing'), ['sysctl']);
    if (lacking) return lacking;
    const proc = s.get('proc_rc') === '0' ? `${s.get('proc') ?? ''}` : undefined;
    const plan = planSysctl(a, exact.text, proc);
    if (!plan.changed || ctx.check) return { changed: plan.changed };
    const w = await ctx.exec(sysctlWriteScript(a, plan), plan.writeFile ? { stdin: plan.text } : {});
    if (w.rc === 81 || w.rc === 82) return { failed: true, changed: false, msg: w.stderr.trim() };
    if (w.rc !== 0) return remoteFailure(`could not write ${a.sysctl_file}`, w);
    return { changed: true };
  },
};
