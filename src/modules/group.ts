import type { ModuleResult } from '../model/index.js';
import { caught, missingFailure, missingScript, parseGroup, readCaught, sections, type GroupEntry } from './accounts.js';
import { remoteFailure } from './remote-file.js';
import { q } from './sh.js';
import { readArgs, specValidator, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

/** ansible-core 2.14's `group` options (`ansible-doc -j group`). */
const SPEC: ArgSpec = {
  options: {
    name: { type: 'str', required: true },
    state: { type: 'str', default: 'present', choices: ['absent', 'present'] },
    gid: { type: 'int' },
    system: { type: 'bool', default: false },
    non_unique: { type: 'bool', default: false },
    local: { type: 'bool', default: false, unsupported: 'playwatch manages groups with groupadd/groupmod/groupdel only; remove it' },
  },
  requiredIf: [['non_unique', true, ['gid']]],
};

export interface GroupArgs {
  name: string;
  state: 'present' | 'absent';
  gid?: number;
  system: boolean;
  non_unique: boolean;
}

const TOOLS = { present: ['getent', 'groupadd', 'groupmod'], absent: ['getent', 'groupdel'] };

/** The read: the group's `getent group` line, and which programs are missing. */
export function groupReadScript(a: GroupArgs): string {
  return [`g=${q(a.name)}`, missingScript(TOOLS[a.state]), `echo '@@@ group'; getent group "$g" || true`].join('\n');
}

/** The command ansible-core's Group class would run, or undefined when the group is as asked. */
export function groupCommand(a: GroupArgs, current: GroupEntry | undefined): string | undefined {
  const gid = a.gid !== undefined ? ['-g', String(a.gid), ...(a.non_unique ? ['-o'] : [])] : [];
  if (a.state === 'absent') return current ? `groupdel ${q(a.name)}` : undefined;
  if (!current) return ['groupadd', ...[...gid, ...(a.system ? ['-r'] : [])].map(q), q(a.name)].join(' ');
  if (a.gid !== undefined && current.gid !== a.gid) return ['groupmod', ...gid.map(q), q(a.name)].join(' ');
  return undefined;
}

/**
 * `group`: one `getent group` read, then at most one groupadd, groupmod or
 * groupdel that reads the group again in the same command. Check mode
 * predicts from the read. Result keys as ansible-core's (`gid`, `system`).
 */
export const groupModule: Module = {
  name: 'group',
  supportsCheck: true,
  validate: specValidator('group', SPEC),
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = readArgs('group', SPEC, ctx.args) as unknown as GroupArgs;
    const read = await ctx.exec(groupReadScript(a));
    if (read.rc !== 0) return remoteFailure(`could not read the group ${a.name}`, read);
    const s = sections(read.stdout);
    const lacking = missingFailure('group', s.get('missing'), TOOLS[a.state]);
    if (lacking) return lacking;
    const current = parseGroup(s.get('group'));
    const command = groupCommand(a, current);
    const base: ModuleResult = { name: a.name, state: a.state };
    const keys = (g: GroupEntry | undefined) => (g ? { system: a.system, gid: g.gid } : {});
    if (!command) return { ...base, changed: false, ...keys(current) };
    // ansible-core leaves check mode before creating or removing with `changed` alone.
    if (ctx.check) return current && a.state === 'present' ? { ...base, changed: true, ...keys(current) } : { changed: true };
    const res = await ctx.exec([`g=${q(a.name)}`, caught(command), `echo '@@@ group'; getent group "$g"`].join('\n'));
    const after = sections(res.stdout);
    const c = readCaught(after);
    if (!c) return remoteFailure(`could not change the group ${a.name}`, res);
    if (c.rc !== 0) return { failed: true, changed: false, name: a.name, msg: c.err };
    return { ...base, changed: true, ...(c.out ? { stdout: c.out } : {}), ...(c.err ? { stderr: c.err } : {}), ...keys(parseGroup(after.get('group'))) };
  },
};
