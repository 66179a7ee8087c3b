import type { ModuleResult } from '../model/index.js';
import { exactScript, parsePasswd, readExact, sections } from './accounts.js';
import { editKeys } from './edit/authorized-keys.js';
import { remoteFailure } from './remote-file.js';
import { parentOf, q } from './sh.js';
import { readArgs, specValidator, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

/** ansible.posix's `authorized_key` options (ansible-core 2.14 ships it in the ansible.posix collection). */
const SPEC: ArgSpec = {
  options: {
    user: { type: 'str', required: true },
    key: { type: 'str', required: true },
    path: { type: 'path' },
    manage_dir: { type: 'bool', default: true },
    state: { type: 'str', default: 'present', choices: ['absent', 'present'] },
    key_options: { type: 'str' },
    exclusive: { type: 'bool', default: false },
    comment: { type: 'str' },
    validate_certs: { type: 'bool', default: true },
    follow: { type: 'bool', default: false },
  },
};

interface Args {
  user: string;
  key: string;
  path?: string;
  manage_dir: boolean;
  state: 'present' | 'absent';
  key_options?: string;
  exclusive: boolean;
  comment?: string;
  validate_certs: boolean;
  follow: boolean;
}

/** The read: the user's passwd line, the key file's path (as given, and followed) and its text. */
export function readKeysScript(a: Args): string {
  return [
    `u=${q(a.user)}`,
    `echo '@@@ passwd'; getent passwd "$u"`,
    a.path !== undefined ? `f=${q(a.path)}` : `f="$(getent passwd "$u" | cut -d: -f6)/.ssh/authorized_keys"`,
    `echo '@@@ keyfile'; printf '%s\\n' "$f"`,
    `echo '@@@ real'; readlink -f -- "$f" || printf '%s\\n' "$f"`,
    exactScript(`if [ -f "$f" ]; then cat -- "$f"; fi`),
  ].join('\n');
}

/**
 * Writes stdin to the key file as ansible.posix's keyfile() and writefile()
 * do: the directory made 0700 and owned by the user (manage_dir), the file
 * 0600 and owned by the user, replaced whole (`mv` of a temp file beside it).
 */
export function writeKeysScript(a: Args, file: string): string {
  const dir = a.path !== undefined ? parentOf(a.path) : parentOf(file);
  return [
    `u=${q(a.user)}; f=${q(file)}`,
    `ids=$(getent passwd "$u" | cut -d: -f3,4)`,
    ...(a.manage_dir ? [`d=${q(dir)}`, `if [ ! -d "$d" ]; then mkdir -m 0700 -- "$d" || exit 93; fi`, `chown -- "$ids" "$d" && chmod 0700 "$d" || exit 93`] : []),
    `mkdir -p -- "$(dirname -- "$f")" || exit 93`,
    `t=$(mktemp "$f.pw.XXXXXXXX") || exit 94`,
    `cat >"$t" || { rm -f -- "$t"; exit 94; }`,
    `chown -- "$ids" "$t"; chmod 0600 "$t"`,
    `mv -f -- "$t" "$f" || { rm -f -- "$t"; exit 94; }`,
  ].join('\n');
}

/**
 * `authorized_key`: one command reads the user and the key file, the edit
 * is decided here (edit/authorized-keys.ts), and one more writes the file
 * when it changes. Several keys (one a line) in one task; `exclusive`
 * removes every other line. Diff as ansible.posix gives it.
 */
export const authorizedKeyModule: Module = {
  name: 'authorized_key',
  supportsCheck: true,
  validate: specValidator('authorized_key', SPEC),
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = readArgs('authorized_key', SPEC, ctx.args) as unknown as Args;
    if (/^http/.test(a.key)) return { failed: true, changed: false, msg: `Error getting key from: ${a.key} (playwatch does not fetch keys from URLs; use a lookup or get_url first)` };
    const res = await ctx.exec(readKeysScript(a));
    const exact = readExact(res.stdout);
    if (res.rc !== 0 || !exact) return remoteFailure(`could not read the keys of ${a.user}`, res);
    const s = sections(res.stdout.slice(0, res.stdout.indexOf('@@@ begin\n')));
    const passwd = parsePasswd(s.get('passwd'));
    if (!passwd && !(ctx.check && a.path !== undefined)) {
      return { failed: true, changed: false, msg: ctx.check ? 'Either user must exist or you must provide full path to key file in check mode' : `Failed to lookup user ${a.user}: "getpwnam(): name not found: '${a.user}'"` };
    }
    const keyfile = s.get('keyfile') ?? '';
    const target = a.follow ? s.get('real') || keyfile : keyfile;
    const edit = editKeys(exact.text, { key: a.key, state: a.state, exclusive: a.exclusive, keyOptions: a.key_options, comment: a.comment });
    if (!edit.ok) return { failed: true, changed: false, msg: edit.msg };
    const diff = ctx.diff && edit.changed ? { before_header: keyfile, after_header: target, before: exact.text, after: edit.text } : undefined;
    if (ctx.check) return { changed: edit.changed, ...(diff ? { diff } : {}) };
    const result: ModuleResult = {
      user: a.user, key: a.key, path: a.path ?? null, manage_dir: a.manage_dir, state: a.state, key_options: a.key_options ?? null,
      exclusive: a.exclusive, comment: a.comment ?? null, validate_certs: a.validate_certs, follow: a.follow, keyfile, changed: edit.changed,
    };
    if (!edit.changed) return result;
    const write = await ctx.exec(writeKeysScript(a, target), { stdin: edit.text });
    if (write.rc !== 0) return remoteFailure(`could not write ${target}`, write);
    return diff ? { ...result, diff } : result;
  },
};
