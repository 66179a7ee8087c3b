import { UserError, type ModuleResult, type Pos, type Vars } from '../model/index.js';
import { checkSpec, readArgs, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

const SPEC: ArgSpec = {
  options: {
    name: { type: 'str', required: true, aliases: ['host', 'hostname'] },
    groups: { type: 'list', elements: 'str', aliases: ['group', 'groupname'] },
  },
};

/** The names the spec knows; every other arg is a host variable. */
const OWN = new Set(['name', 'host', 'hostname', 'groups', 'group', 'groupname']);

function split(args: Vars): { own: Vars; hostVars: Vars } {
  const own: Vars = {};
  const hostVars: Vars = {};
  for (const [k, v] of Object.entries(args)) (OWN.has(k) ? own : hostVars)[k] = v;
  return { own, hostVars };
}

/**
 * `add_host`: a host (and its groups) for the plays that follow. Every arg
 * but the name and groups becomes a host variable; `name: host:port` sets
 * `ansible_ssh_port`, as ansible-core 2.14 does. Like ansible-core's action
 * it only says what to add; the engine changes the inventory, sets
 * `changed`, and runs it once for the play's hosts (it bypasses the host loop).
 */
export const addHostModule: Module = {
  name: 'add_host',
  supportsCheck: true,
  controllerOnly: true,
  validate(args: Vars, pos: Pos) {
    if ('_raw_params' in args) throw new UserError(`module 'add_host' takes name=value pairs or a mapping, not free-form text`, pos);
    checkSpec('add_host', SPEC, split(args).own, pos);
  },
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const { own, hostVars } = split(ctx.args);
    const a = readArgs('add_host', SPEC, own);
    const { name, port } = parseAddress(String(a.name));
    if (port !== undefined) hostVars.ansible_ssh_port = port;
    // A string "a,b" is two groups (readArgs splits it); a name given twice counts once.
    const groups = [...new Set(((a.groups as string[] | undefined) ?? []).map((g) => g.trim()).filter(Boolean))];
    return { changed: false, add_host: { host_name: name, groups, host_vars: hostVars } };
  },
};

/**
 * `host:port`, `[v6addr]:port` or a bare name, as ansible's parse_address
 * reads them; anything else is taken as a name.
 */
export function parseAddress(text: string): { name: string; port?: number } {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracket) return bracket[2] ? { name: bracket[1]!, port: Number(bracket[2]) } : { name: bracket[1]! };
  const m = /^([^:\s]+):(\d+)$/.exec(text);
  return m ? { name: m[1]!, port: Number(m[2]) } : { name: text };
}
