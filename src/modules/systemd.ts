import { UserError, type ModuleResult, type Pos, type Vars } from '../model/index.js';
import { isTemplated } from './args.js';
import { checkSpec, readArgs, type ArgSpec } from './spec.js';
import { systemctlResult, systemctlScript, type ServiceState, type UnitRequest } from './systemctl.js';
import type { Module, ModuleContext } from './types.js';

/** ansible-core 2.14's `systemd` options (`ansible-doc -j systemd`). */
export const SYSTEMD_SPEC: ArgSpec = {
  options: {
    name: { type: 'str', aliases: ['service', 'unit'] },
    state: { type: 'str', choices: ['reloaded', 'restarted', 'started', 'stopped'] },
    enabled: { type: 'bool' },
    force: { type: 'bool' },
    masked: { type: 'bool' },
    daemon_reload: { type: 'bool', default: false, aliases: ['daemon-reload'] },
    daemon_reexec: { type: 'bool', default: false, aliases: ['daemon-reexec'] },
    scope: { type: 'str', default: 'system', choices: ['system', 'user', 'global'] },
    no_block: { type: 'bool', default: false },
  },
  requiredOneOf: [['state', 'enabled', 'masked', 'daemon_reload', 'daemon_reexec']],
};

/** ansible-core's `required_by` (state, enabled, masked need a name) and its refusal of glob patterns. */
function unitProblem(module: string, a: Vars): string | undefined {
  const set = (k: string) => a[k] !== undefined && a[k] !== null;
  const name = a.name ?? a.service ?? a.unit;
  if (name === undefined || name === null) {
    const needing = ['state', 'enabled', 'masked'].filter(set);
    return needing.length ? `module '${module}': missing parameter(s) required by '${needing[0]}': name` : undefined;
  }
  if (isTemplated(name)) return undefined;
  const s = String(name);
  if (/[*?[]/.test(s)) return `module '${module}': glob patterns are not supported, found one in service name: ${s}`;
  if (s.startsWith('-') || s === '') return `module '${module}': not a unit name: ${JSON.stringify(s)}`;
  return undefined;
}

export function unitRequest(a: Vars, check: boolean): UnitRequest {
  return {
    name: a.name as string | undefined,
    state: a.state as ServiceState | undefined,
    enabled: a.enabled as boolean | undefined,
    masked: a.masked as boolean | undefined,
    daemonReload: a.daemon_reload as boolean,
    daemonReexec: a.daemon_reexec as boolean,
    scope: a.scope as UnitRequest['scope'],
    noBlock: a.no_block as boolean,
    force: a.force as boolean | undefined,
    check,
  };
}

/** Runs a unit request in one command and reads ansible-core's result from it. */
export async function runUnit(ctx: ModuleContext, r: UnitRequest): Promise<ModuleResult> {
  const res = await ctx.exec(systemctlScript(r), { main: true });
  if (res.rc !== 0) return { failed: true, changed: false, rc: res.rc, msg: `systemctl script failed (rc ${res.rc}): ${res.stderr.trim()}` };
  const result = systemctlResult(r, res.stdout);
  for (const w of (result.warnings as string[] | undefined) ?? []) ctx.warn?.(w);
  return result;
}

/** The `systemd` module under a name (`systemd`, `systemd_service`). */
export function systemdNamed(name: string): Module {
  return {
    name,
    supportsCheck: true,
    validate(args: Vars, pos: Pos) {
      checkSpec(name, SYSTEMD_SPEC, args, pos);
      const problem = unitProblem(name, args);
      if (problem) throw new UserError(problem, pos);
    },
    async run(ctx: ModuleContext): Promise<ModuleResult> {
      const a = readArgs(name, SYSTEMD_SPEC, ctx.args);
      const problem = unitProblem(name, a);
      if (problem) return { failed: true, changed: false, msg: problem };
      return runUnit(ctx, unitRequest(a, ctx.check));
    },
  };
}

/**
 * `systemd`: systemctl on the target, read and changed in one command
 * (src/modules/systemctl.ts), with ansible-core's keys: `name`,
 * `changed`, `status` (what `systemctl show` said before any change),
 * `enabled` and `state` when asked for.
 */
export const systemdModule: Module = systemdNamed('systemd');
