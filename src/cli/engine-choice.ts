import { UserError } from '../model/index.js';

/**
 * Why the native engine cannot run a playbook it failed to load, when the
 * failure is something it lacks (a collection module, a lookup plugin, a
 * keyword or setting it does not support) rather than a mistake in the
 * playbook; undefined for a mistake (a typo with a "did you mean", a YAML
 * error, a missing file), which ansible-core would refuse too.
 */
export function unsupportedReason(err: UserError): string | undefined {
  const d = err.detail;
  const mod = /^unknown module '([^']+)'/.exec(d);
  // A typo of a module playwatch has: the error is the playbook's.
  if (mod && !/did you mean/.test(d)) return `module '${mod[1]}' is not built into playwatch`;
  if (/is not a builtin, and playwatch does not have the collection/.test(d)) return d.split(';')[0];
  const lookup = /lookup plugin '([^']+)' is not available in playwatch|lookup plugin \(([^)]+)\) not found|there is no lookup named '([^']+)'/.exec(d);
  if (lookup) return `lookup plugin '${lookup[1] ?? lookup[2] ?? lookup[3]}' is not built into playwatch`;
  if (/ is not supported\b|is not built into playwatch/.test(d)) return d.split(/[:;] /)[0];
  return undefined;
}

/** A command line as a shell would take it back. */
export function shellLine(args: readonly string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** The native load error, with the command that runs the playbook as it is under ansible-core. */
export function withAnsibleHint(err: UserError, argv: readonly string[]): UserError {
  const cmd = shellLine(['playwatch', ...withEngine(argv, 'ansible')]);
  return new UserError(`${err.detail}\n  playwatch's engine does not have this; ansible-core does, with the same live view and records: ${cmd}`, err.pos);
}

/** `argv` with its `--engine` replaced (or added before any `--`). */
export function withEngine(argv: readonly string[], engine: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--engine') {
      i++;
      continue;
    }
    if (a.startsWith('--engine=')) continue;
    out.push(a);
  }
  const dash = out.indexOf('--');
  out.splice(dash < 0 ? out.length : dash, 0, '--engine', engine);
  return out;
}
