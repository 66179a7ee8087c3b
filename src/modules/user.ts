import type { ModuleResult } from '../model/index.js';
import { caught, missingFailure, parsePasswd, readCaught, sections } from './accounts.js';
import { remoteFailure } from './remote-file.js';
import { parentOf, q } from './sh.js';
import { readArgs, specValidator, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';
import {
  chageScript, commandLine, homeScript, keygenScript, missingGroup, neededTools, parseKey, parseSeen, readScript,
  useraddWords, userdelWords, usermodWords, type KeySeen, type UserArgs, type UserSeen,
} from './user-plan.js';

const NOT_HERE = 'playwatch manages Linux accounts with useradd/usermod/userdel only; remove it (or run this playbook with ansible-playbook)';

/** ansible-core 2.14's `user` options (`ansible-doc -j user`). */
const SPEC: ArgSpec = {
  options: {
    name: { type: 'str', required: true, aliases: ['user'] },
    state: { type: 'str', default: 'present', choices: ['absent', 'present'] },
    uid: { type: 'int' },
    non_unique: { type: 'bool', default: false },
    group: { type: 'str' },
    groups: { type: 'list', elements: 'str' },
    append: { type: 'bool', default: false },
    comment: { type: 'str' },
    home: { type: 'path' },
    shell: { type: 'str' },
    password: { type: 'str' },
    update_password: { type: 'str', default: 'always', choices: ['always', 'on_create'] },
    password_lock: { type: 'bool' },
    create_home: { type: 'bool', default: true, aliases: ['createhome'] },
    move_home: { type: 'bool', default: false },
    skeleton: { type: 'str' },
    system: { type: 'bool', default: false },
    force: { type: 'bool', default: false },
    remove: { type: 'bool', default: false },
    generate_ssh_key: { type: 'bool' },
    ssh_key_bits: { type: 'int', default: 0 },
    ssh_key_type: { type: 'str', default: 'rsa' },
    ssh_key_file: { type: 'path' },
    ssh_key_comment: { type: 'str' },
    ssh_key_passphrase: { type: 'str', unsupported: 'playwatch generates keys without a passphrase only; remove it' },
    expires: { type: 'float' },
    password_expire_max: { type: 'int' },
    password_expire_min: { type: 'int' },
    umask: { type: 'str', unsupported: NOT_HERE },
    local: { type: 'bool', unsupported: NOT_HERE },
    seuser: { type: 'str', unsupported: NOT_HERE },
    login_class: { type: 'str', unsupported: NOT_HERE },
    hidden: { type: 'bool', unsupported: NOT_HERE },
    profile: { type: 'str', unsupported: NOT_HERE },
    authorization: { type: 'str', unsupported: NOT_HERE },
    role: { type: 'str', unsupported: NOT_HERE },
  },
};

/** ansible-core's test for a value that is not a crypt hash (check_password_encrypted). */
export function looksUnhashed(password: string): boolean {
  if (['*', '!', '*************'].includes(password)) return false;
  if (/[:*!]/.test(password) || !password.includes('$')) return true;
  const fields = password.split('$');
  if (fields.length < 3) return true;
  const last = fields[fields.length - 1]!;
  const lengths: Record<string, number> = { 1: 22, 5: 43, 6: 86 };
  return /[^a-zA-Z0-9./=]/.test(last) || (lengths[fields[1]!] !== undefined && last.length !== lengths[fields[1]!]);
}

export function userArgs(raw: Record<string, unknown>): UserArgs {
  const a = readArgs('user', SPEC, raw);
  return { ...a, generate_ssh_key: a.generate_ssh_key === true } as unknown as UserArgs;
}

/**
 * `user`: one command reads the account (getent passwd, shadow, group, the
 * home, the ssh key); when something differs, one more runs useradd,
 * usermod or userdel, makes a missing home and the ssh key, and reads the
 * account again. Check mode predicts from the read. Result keys as
 * ansible-core's (uid, group as the gid, comment, home, shell…).
 */
export const userModule: Module = {
  name: 'user',
  supportsCheck: true,
  validate: specValidator('user', SPEC),
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = userArgs(ctx.args);
    if (a.password !== undefined && looksUnhashed(a.password)) {
      ctx.warn?.("The input password appears not to have been hashed. The 'password' argument must be encrypted for this module to work properly.");
    }
    if (a.append && a.groups === undefined) {
      ctx.warn?.("'append' is set, but no 'groups' are specified. Use 'groups' for appending new groups.This will change to an error in Ansible 2.14.");
    }
    const res = await ctx.exec(readScript(a));
    if (res.rc !== 0) return remoteFailure(`could not read the account ${a.name}`, res);
    const seen = parseSeen(a, res.stdout);
    const lacking = missingFailure('user', seen.missing, neededTools(a));
    if (lacking) return lacking;
    return a.state === 'absent' ? absent(ctx, a, seen) : present(ctx, a, seen);
  },
};

async function absent(ctx: ModuleContext, a: UserArgs, seen: UserSeen): Promise<ModuleResult> {
  const base = { name: a.name, state: a.state };
  if (!seen.passwd) return { ...base, changed: false };
  if (ctx.check) return { changed: true };
  const res = await ctx.exec(caught(commandLine(userdelWords(a))));
  const c = readCaught(sections(res.stdout));
  if (!c) return remoteFailure(`could not remove the account ${a.name}`, res);
  if (c.rc !== 0) return { failed: true, changed: false, name: a.name, msg: c.err, rc: c.rc };
  return { ...base, changed: true, force: a.force, remove: a.remove, ...outputs(c.out, c.err) };
}

const outputs = (out: string, err: string) => ({ ...(out ? { stdout: out } : {}), ...(err ? { stderr: err } : {}) });

async function present(ctx: ModuleContext, a: UserArgs, seen: UserSeen): Promise<ModuleResult> {
  const creating = !seen.passwd;
  if (creating && ctx.check) return { changed: true };
  const bad = missingGroup(a, seen);
  if (bad) return { failed: true, changed: false, msg: bad };
  const words = creating ? useraddWords(a, seen) : usermodWords(a, seen);
  const homeMissing = a.create_home && !seen.homeExists;
  const keyWanted = a.generate_ssh_key && seen.key !== undefined && keyChange(a, seen.key);
  const chage = chageScript(a, seen, creating);
  const agingWanted = !creating && chage !== undefined;
  const comment = a.ssh_key_comment ?? `ansible-generated on ${seen.hostname}`;
  const base: ModuleResult = { name: a.name, state: a.state, ...(creating ? { system: a.system, create_home: a.create_home } : { append: a.append, move_home: a.move_home }) };
  if (!creating && ctx.check) {
    const changed = words.length > 0 || homeMissing || keyWanted || agingWanted;
    return finish(ctx, a, { ...base, changed }, seen.passwd!, seen.key, seen.key && keyWanted ? 'made' : seen.key ? keyState(seen.key) : undefined);
  }
  if (!words.length && !homeMissing && !keyWanted && !agingWanted) return finish(ctx, a, { ...base, changed: false }, seen.passwd!, seen.key, seen.key ? keyState(seen.key) : undefined);
  const script = [`n=${q(a.name)}`];
  if (words.length) {
    if (creating && a.home !== undefined && a.create_home) script.push(`mkdir -p -- ${q(parentOf(a.home))} || exit 91`);
    script.push(caught(commandLine(words)), `[ "$rc" = 0 ] || exit 0`);
  }
  script.push(a.home !== undefined ? `h=${q(a.home)}` : `h=$(getent passwd "$n" | cut -d: -f6)`);
  if (a.create_home) script.push(homeScript(a));
  if (a.generate_ssh_key) script.push(`h=$(getent passwd "$n" | cut -d: -f6)`, keygenScript(a, comment));
  if (chage) script.push(`o=$( { ${chage}\n} 2>&1) || { echo '@@@ chage'; printf '%s\\n' "$o"; exit 0; }`);
  script.push(`echo '@@@ passwd'; getent passwd "$n"`);
  const res = await ctx.exec(script.join('\n'));
  const s = sections(res.stdout);
  const c = readCaught(s);
  if (res.rc !== 0) return remoteFailure(`could not ${creating ? 'create' : 'change'} the account ${a.name}`, res);
  if (c && c.rc !== 0) return { failed: true, changed: false, name: a.name, msg: c.err, rc: c.rc };
  const after = parsePasswd(s.get('passwd'));
  if (!after) return { failed: true, changed: false, name: a.name, msg: `failed to look up user name: ${a.name}` };
  if (s.has('chage')) return { failed: true, changed: false, name: a.name, rc: 1, msg: s.get('chage') };
  const keygen = s.get('keygen');
  if (keygen?.startsWith('failed') || keygen === 'nohome') {
    return { failed: true, changed: false, name: a.name, rc: 1, msg: keygen === 'nohome' ? `User ${a.name} home directory does not exist` : keygen.slice(7) };
  }
  return finish(ctx, a, { ...base, changed: true, ...(c ? outputs(c.out, c.err) : {}) }, after, parseKey(s), keygen);
}

/** Whether ssh-keygen would run: neither file there, or force. */
function keyChange(a: UserArgs, key: KeySeen): boolean {
  return a.force || (!key.priv && !key.pub);
}

function keyState(key: KeySeen): string | undefined {
  return key.priv ? 'priv' : key.pub ? 'pub' : undefined;
}

/** Adds the account's keys (and the ssh key's) to a result, with ansible-core's warnings for a key left alone. */
function finish(ctx: ModuleContext, a: UserArgs, result: ModuleResult, info: { uid: number; gid: number; comment: string; home: string; shell: string }, key: KeySeen | undefined, keygen: string | undefined): ModuleResult {
  const out: ModuleResult = { ...result, uid: info.uid, group: info.gid, comment: info.comment, home: info.home, shell: info.shell };
  if (a.groups !== undefined) out.groups = a.groups.join(',');
  if (a.password !== undefined) out.password = 'NOT_LOGGING_PASSWORD';
  if (a.generate_ssh_key && key) {
    if (keygen === 'priv') ctx.warn?.(`Found existing ssh key private file "${key.path}", no force, so skipping ssh-keygen generation`);
    else if (keygen === 'pub') ctx.warn?.(`Found existing ssh key public file "${key.path}.pub", no force, so skipping ssh-keygen generation`);
    out.ssh_fingerprint = key.fingerprint;
    out.ssh_key_file = key.path;
    out.ssh_public_key = key.publicKey;
  }
  return out;
}
