import { UserError, type ModuleResult, type Pos, type Vars } from '../model/index.js';
import { isTemplated } from './args.js';
import { lastMark, MARKS_SH, readMarks } from './marks.js';
import { checkSpec, readArgs, type ArgSpec } from './spec.js';
import { systemctlBody, systemctlResult, type ServiceState, type UnitRequest } from './systemctl.js';
import { sysvBody, sysvResult, type InitRequest } from './sysv.js';
import type { Module, ModuleContext } from './types.js';

/** ansible-core 2.14's `service` options (`ansible-doc -j service`). */
export const SERVICE_SPEC: ArgSpec = {
  options: {
    name: { type: 'str', required: true },
    state: { type: 'str', choices: ['reloaded', 'restarted', 'started', 'stopped'] },
    enabled: { type: 'bool' },
    arguments: { type: 'str', aliases: ['args'] },
    sleep: { type: 'int' },
    pattern: { type: 'str', unsupported: 'finding a service in the process table is not implemented; give the service an init script or a systemd unit' },
    // Only OpenRC reads it.
    runlevel: { type: 'str', default: 'default', ignored: true },
    use: { type: 'str', default: 'auto' },
  },
  requiredOneOf: [['state', 'enabled']],
};

/** The service managers `use` may name (ansible-core takes a module name). */
const MANAGERS: Record<string, 'auto' | 'systemd' | 'sysv'> = { auto: 'auto', systemd: 'systemd', sysvinit: 'sysv', service: 'sysv' };

function managerOf(use: unknown): 'auto' | 'systemd' | 'sysv' | undefined {
  return MANAGERS[String(use).replace(/^ansible\.(builtin|legacy)\./, '')];
}

function useProblem(use: unknown): string | undefined {
  if (use === undefined || isTemplated(use) || managerOf(use)) return undefined;
  return `module 'service': 'use' must be one of: ${Object.keys(MANAGERS).join(', ')}, got: ${String(use)}`;
}

/** sd_booted(), as ansible-core's service module asks it: systemctl is there and systemd is the running init. */
const SYSTEMD_BOOTED =
  'command -v systemctl >/dev/null 2>&1 && { [ -d /run/systemd/system ] || [ -d /dev/.run/systemd ] || [ -d /dev/.systemd ] || grep -q systemd /proc/1/comm 2>/dev/null; }';

/** One script: systemctl when systemd runs the host (or `use: systemd`), else the init script. */
export function serviceScript(manager: 'auto' | 'systemd' | 'sysv', unit: UnitRequest, init: InitRequest): string {
  const systemd = `mark manager systemd\n${systemctlBody(unit)}`;
  const sysv = `mark manager sysv\n${sysvBody(init)}`;
  const body = manager === 'systemd' ? systemd : manager === 'sysv' ? sysv : `if ${SYSTEMD_BOOTED}; then\n${systemd}\nelse\n${sysv}\nfi`;
  return `${MARKS_SH}\n${body}\n`;
}

/**
 * `service`: systemctl where systemd runs the host (the `systemd`
 * module's script and keys), else the init script through `service` or
 * `/etc/init.d/NAME` (src/modules/sysv.ts); which one is decided on the
 * target in the same command that reads and changes the service.
 */
export const serviceModule: Module = {
  name: 'service',
  supportsCheck: true,
  validate(args: Vars, pos: Pos) {
    checkSpec('service', SERVICE_SPEC, args, pos);
    const problem = useProblem(args.use);
    if (problem) throw new UserError(problem, pos);
    const name = args.name;
    if (typeof name === 'string' && !isTemplated(name) && (name === '' || name.startsWith('-') || name.includes('/'))) {
      throw new UserError(`module 'service': not a service name: ${JSON.stringify(name)}`, pos);
    }
  },
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = readArgs('service', SERVICE_SPEC, ctx.args);
    const problem = useProblem(a.use);
    if (problem) return { failed: true, changed: false, msg: problem };
    const name = a.name as string;
    const unit: UnitRequest = { name, state: a.state as ServiceState | undefined, enabled: a.enabled as boolean | undefined, check: ctx.check };
    const init: InitRequest = {
      ...unit,
      name,
      args: String(a.arguments ?? '').split(/\s+/).filter(Boolean),
      sleep: a.sleep as number | undefined,
      forced: managerOf(a.use) === 'sysv',
    };
    const res = await ctx.exec(serviceScript(managerOf(a.use)!, unit, init), { main: true });
    if (res.rc !== 0) return { failed: true, changed: false, rc: res.rc, msg: `service script failed (rc ${res.rc}): ${res.stderr.trim()}` };
    return lastMark(readMarks(res.stdout), 'manager') === 'systemd' ? systemctlResult(unit, res.stdout) : sysvResult(init, res.stdout);
  },
};
