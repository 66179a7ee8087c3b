/**
 * The `user` module's decisions, as pure functions: the script that reads
 * the account (`getent passwd/shadow/group`, the home, the ssh key), what
 * that output says, and the `useradd`/`usermod`/`userdel` command lines
 * ansible-core's Linux `User` class would run for it (modify_user_usermod,
 * create_user_useradd, remove_user_userdel), with every value quoted.
 */
import { missingScript, parseGroup, parsePasswd, sections, shadowAging, shadowHash, type GroupEntry, type PasswdEntry } from './accounts.js';
import { q } from './sh.js';

export interface UserArgs {
  name: string;
  state: 'present' | 'absent';
  uid?: number;
  non_unique: boolean;
  group?: string;
  groups?: string[];
  append: boolean;
  comment?: string;
  home?: string;
  shell?: string;
  password?: string;
  update_password: 'always' | 'on_create';
  password_lock?: boolean;
  /** Account expiry, seconds since the epoch (negative: never). */
  expires?: number;
  password_expire_min?: number;
  password_expire_max?: number;
  create_home: boolean;
  move_home: boolean;
  skeleton?: string;
  system: boolean;
  force: boolean;
  remove: boolean;
  generate_ssh_key: boolean;
  ssh_key_bits: number;
  ssh_key_type: string;
  ssh_key_file?: string;
  ssh_key_comment?: string;
}

/** The ssh key as a read saw it. */
export interface KeySeen {
  path: string;
  dirExists: boolean;
  priv: boolean;
  pub: boolean;
  fingerprint: string;
  publicKey: string | null;
}

/** The account as the read saw it. */
export interface UserSeen {
  missing: string;
  passwd?: PasswdEntry;
  /** The shadow hash ('' when unreadable). */
  hash: string;
  /** The shadow aging fields (min and max days, expiry day or -1). */
  aging: { min?: number; max?: number; expire: number };
  /** Each group named by `group`/`groups`, as given → its entry (undefined: no such group). */
  named: Map<string, GroupEntry | undefined>;
  /** Groups whose member list holds the user (primary included when listed). */
  member: string[];
  /** Whether a group named like the user exists (useradd -N then). */
  ownGroup: boolean;
  hostname: string;
  homeExists: boolean;
  key?: KeySeen;
}

/** The programs each state acts with. */
export function neededTools(a: UserArgs): string[] {
  if (a.state === 'absent') return ['getent', 'userdel'];
  const aging = a.password_expire_min !== undefined || a.password_expire_max !== undefined;
  return ['getent', 'useradd', 'usermod', ...(a.generate_ssh_key ? ['ssh-keygen'] : []), ...(aging ? ['chage'] : [])];
}

/** ansible's default key file: `.ssh/id_<type>` under the home. */
export function keyFile(a: UserArgs): string {
  return a.ssh_key_file ?? `.ssh/id_${a.ssh_key_type}`;
}

/** Shell that sets `$f` to the key file: absolute, or under the home in `$h`. */
function keyPathScript(a: UserArgs): string {
  const file = keyFile(a);
  return file.startsWith('/') ? `f=${q(file)}` : `f="$h"/${q(file)}`;
}

/** Prints the key's sections (`key`, `keypath`, `fingerprint`, `pubkey`) for `$f`. */
export function keyScript(a: UserArgs): string {
  return [
    keyPathScript(a),
    `echo '@@@ keypath'; printf '%s\\n' "$f"`,
    `echo '@@@ key'; if [ -d "$(dirname -- "$f")" ]; then echo dir; fi; if [ -e "$f" ]; then echo priv; fi; if [ -e "$f.pub" ]; then echo pub; fi`,
    `echo '@@@ fingerprint'; if [ -e "$f" ]; then ssh-keygen -l -f "$f" 2>&1; fi`,
    `echo '@@@ pubkey'; if [ -e "$f.pub" ]; then cat -- "$f.pub"; else echo '<none>'; fi`,
  ].join('\n');
}

/** The one read: passwd, shadow, the named groups, memberships, the home and the ssh key. */
export function readScript(a: UserArgs): string {
  const named = [...(a.group !== undefined ? [a.group] : []), ...(a.groups ?? [])].map((g) => g.trim()).filter(Boolean);
  const lines = [
    `n=${q(a.name)}`,
    missingScript(neededTools(a)),
    `echo '@@@ passwd'; getent passwd "$n"`,
    `echo '@@@ shadow'; getent shadow "$n"`,
    `echo '@@@ owngroup'; getent group "$n"`,
    `echo '@@@ named'`,
    ...named.map((g) => `getent group ${q(g)} || echo ${q(`?${g}`)}`),
    `echo '@@@ member'; getent group | awk -F: -v u="$n" '{ k = split($4, m, ","); for (i = 1; i <= k; i++) if (m[i] == u) { print $1; break } }'`,
    `echo '@@@ hostname'; uname -n`,
    a.home !== undefined ? `h=${q(a.home)}` : `h=$(getent passwd "$n" | cut -d: -f6)`,
    `echo '@@@ home'; if [ -n "$h" ] && [ -e "$h" ]; then echo yes; fi`,
  ];
  if (a.generate_ssh_key) lines.push(keyScript(a));
  return lines.join('\n');
}

export function parseKey(s: Map<string, string>): KeySeen | undefined {
  if (!s.has('keypath')) return undefined;
  const flags = (s.get('key') ?? '').split('\n');
  const pub = s.get('pubkey') ?? '';
  return {
    path: s.get('keypath') ?? '',
    dirExists: flags.includes('dir'),
    priv: flags.includes('priv'),
    pub: flags.includes('pub'),
    fingerprint: (s.get('fingerprint') ?? '').trim(),
    publicKey: pub === '<none>' ? null : pub.trim(),
  };
}

export function parseSeen(a: UserArgs, stdout: string): UserSeen {
  const s = sections(stdout);
  const named = new Map<string, GroupEntry | undefined>();
  const given = [...(a.group !== undefined ? [a.group] : []), ...(a.groups ?? [])].map((g) => g.trim()).filter(Boolean);
  const lines = (s.get('named') ?? '').split('\n').filter(Boolean);
  given.forEach((g, i) => named.set(g, lines[i]?.startsWith('?') ? undefined : parseGroup(lines[i])));
  return {
    missing: s.get('missing') ?? '',
    passwd: parsePasswd(s.get('passwd')),
    hash: shadowHash(s.get('shadow')),
    aging: shadowAging(s.get('shadow')),
    named,
    member: (s.get('member') ?? '').split('\n').filter(Boolean),
    ownGroup: parseGroup(s.get('owngroup')) !== undefined,
    hostname: (s.get('hostname') ?? '').trim(),
    homeExists: s.get('home') === 'yes',
    key: parseKey(s),
  };
}

/** A group the args name that does not exist, as ansible-core's message. */
export function missingGroup(a: UserArgs, seen: UserSeen): string | undefined {
  for (const g of [...(a.group !== undefined ? [a.group] : []), ...(a.groups ?? [])].map((x) => x.trim()).filter(Boolean)) {
    if (seen.named.get(g) === undefined) return `Group ${g} does not exist`;
  }
  return undefined;
}

/** The words `userdel` runs with. */
export function userdelWords(a: UserArgs): string[] {
  return ['userdel', ...(a.force ? ['-f'] : []), ...(a.remove ? ['-r'] : []), a.name];
}

/** The words `useradd` runs with (create_user_useradd). */
export function useraddWords(a: UserArgs, seen: UserSeen): string[] {
  const w = ['useradd'];
  if (a.uid !== undefined) w.push('-u', String(a.uid), ...(a.non_unique ? ['-o'] : []));
  if (a.group !== undefined) w.push('-g', a.group);
  else if (seen.ownGroup) w.push('-N');
  const groups = uniq((a.groups ?? []).map((g) => g.trim()).filter(Boolean));
  if (groups.length) w.push('-G', groups.join(','));
  if (a.comment !== undefined) w.push('-c', a.comment);
  if (a.home !== undefined) w.push('-d', a.home);
  if (a.shell !== undefined) w.push('-s', a.shell);
  if (a.expires !== undefined) w.push('-e', a.expires < 0 ? '' : expiryDate(a.expires));
  if (a.password !== undefined) w.push('-p', a.password_lock ? `!${a.password}` : a.password);
  if (a.create_home) {
    w.push('-m');
    if (a.skeleton !== undefined) w.push('-k', a.skeleton);
  } else w.push('-M');
  if (a.system) w.push('-r');
  w.push(a.name);
  return w;
}

/** The words `usermod` runs with for an existing account, or [] when nothing differs (modify_user_usermod). */
export function usermodWords(a: UserArgs, seen: UserSeen): string[] {
  const info = seen.passwd!;
  let w: string[] = [];
  if (a.uid !== undefined && info.uid !== a.uid) w.push('-u', String(a.uid), ...(a.non_unique ? ['-o'] : []));
  if (a.group !== undefined) {
    const g = seen.named.get(a.group.trim());
    if (g && g.gid !== info.gid) w.push('-g', String(g.gid));
  }
  if (a.groups !== undefined) w.push(...groupsWords(a, seen));
  if (a.comment !== undefined && info.comment !== a.comment) w.push('-c', a.comment);
  if (a.home !== undefined && info.home !== a.home) w.push('-d', a.home, ...(a.move_home ? ['-m'] : []));
  if (a.shell !== undefined && info.shell !== a.shell) w.push('-s', a.shell);
  if (a.expires !== undefined) w.push(...expiresWords(a.expires, seen.aging.expire));
  if (a.password_lock === true && !seen.hash.startsWith('!')) w.push('-L');
  else if (a.password_lock === false && seen.hash.startsWith('!')) w.push('-U');
  if (a.update_password === 'always' && a.password !== undefined && stripBang(seen.hash) !== stripBang(a.password)) {
    w = w.filter((x) => x !== '-L' && x !== '-U');
    w.push('-p', a.password_lock ? `!${a.password}` : a.password);
  }
  return w.length ? ['usermod', ...w, a.name] : [];
}

const stripBang = (s: string) => s.replace(/^!+/, '');

/** The day `expires` (seconds since the epoch, UTC) falls on, as useradd -e takes it. */
export function expiryDate(expires: number): string {
  return new Date(Math.floor(expires) * 1000).toISOString().slice(0, 10);
}

/** `-e` when the expiry day differs (ansible compares the UTC date), `-e ''` to clear one. */
function expiresWords(expires: number, currentDay: number): string[] {
  if (expires < 0) return currentDay >= 0 ? ['-e', ''] : [];
  const current = currentDay < 0 ? undefined : new Date(currentDay * 86_400_000).toISOString().slice(0, 10);
  return current !== expiryDate(expires) ? ['-e', expiryDate(expires)] : [];
}

/**
 * `chage -m/-M` for the aging asked (set_password_expire). For an account
 * made in the same script the fields are compared there, after useradd.
 */
export function chageScript(a: UserArgs, seen: UserSeen, creating: boolean): string | undefined {
  const parts: Array<[string, number, number | undefined, number]> = [];
  if (a.password_expire_min !== undefined) parts.push(['-m', a.password_expire_min, seen.aging.min, 4]);
  if (a.password_expire_max !== undefined) parts.push(['-M', a.password_expire_max, seen.aging.max, 5]);
  if (!creating) {
    const words = parts.filter(([, want, have]) => want !== have).flatMap(([flag, want]) => [flag, String(want)]);
    return words.length ? commandLine(['chage', ...words, a.name]) : undefined;
  }
  if (!parts.length) return undefined;
  return [
    `set --`,
    ...parts.map(([flag, want, , field]) => `[ "$(getent shadow "$n" | cut -d: -f${field})" = ${q(String(want))} ] || set -- "$@" ${flag} ${q(String(want))}`),
    `if [ $# -gt 0 ]; then chage "$@" "$n"; fi`,
  ].join('\n');
}

/** `-G` (with `-a` when appending) when the supplementary groups differ. */
function groupsWords(a: UserArgs, seen: UserSeen): string[] {
  const current = seen.member;
  const wanted = uniq((a.groups ?? []).map((g) => g.trim()).filter(Boolean));
  if (!wanted.length) return current.length && !a.append ? ['-G', ''] : [];
  const diff = new Set([...current.filter((g) => !wanted.includes(g)), ...wanted.filter((g) => !current.includes(g))]);
  if (!diff.size) return [];
  if (a.append) return wanted.some((g) => diff.has(g)) ? ['-a', '-G', wanted.join(',')] : [];
  return ['-G', wanted.join(',')];
}

function uniq(xs: string[]): string[] {
  return [...new Set(xs)];
}

/** The words as one quoted command line. */
export function commandLine(words: string[]): string {
  return words.map((w, i) => (i === 0 ? w : q(w))).join(' ');
}

/**
 * Makes a missing home as ansible-core's create_homedir and chown_homedir
 * do: a copy of the skeleton (or an empty directory), the mode from
 * login.defs' UMASK, owned by the user throughout. Uses `$h` and `$n`.
 */
export function homeScript(a: UserArgs): string {
  const skel = q(a.skeleton ?? '/etc/skel');
  return [
    `if [ ! -e "$h" ]; then`,
    `  mkdir -p -- "$(dirname -- "$h")" || exit 91`,
    `  if [ -d ${skel} ]; then cp -R -P -p -- ${skel} "$h" || exit 91; else mkdir -- "$h" || exit 91; fi`,
    `  um=$(sed -n 's/^UMASK[[:space:]]\\{1,\\}\\([0-7]\\{1,\\}\\)[[:space:]]*$/\\1/p' /etc/login.defs 2>/dev/null | tail -n 1)`,
    `  if [ -n "$um" ]; then chmod "$(printf '%o' $(( 0777 & ~0$um )))" "$h" || exit 91; fi`,
    `  ids=$(getent passwd "$n" | cut -d: -f3,4)`,
    `  chown -R -- "$ids" "$h" || exit 91`,
    `fi`,
  ].join('\n');
}

/**
 * Generates the key when neither file is there (or over them with force),
 * as ansible-core's ssh_key_gen; prints `keygen` (`made`, `priv`, `pub`,
 * `nohome` or `failed` and ssh-keygen's output) and then the key's sections.
 * Uses `$h` (the home after the change) and `$n`.
 */
export function keygenScript(a: UserArgs, comment: string): string {
  const words = ['-t', a.ssh_key_type, ...(a.ssh_key_bits > 0 ? ['-b', String(a.ssh_key_bits)] : []), '-C', comment];
  const relative = !keyFile(a).startsWith('/');
  return [
    keyPathScript(a),
    `echo '@@@ keygen'`,
    `if ${relative ? '[ ! -e "$h" ]' : 'false'}; then echo nohome`,
    `elif [ -e "$f" ] && ${a.force ? 'false' : 'true'}; then echo priv`,
    `elif [ -e "$f.pub" ] && ${a.force ? 'false' : 'true'}; then echo pub`,
    `else`,
    `  d=$(dirname -- "$f"); ids=$(getent passwd "$n" | cut -d: -f3,4)`,
    `  if [ ! -d "$d" ]; then mkdir -m 0700 -- "$d" && chown -- "$ids" "$d"; fi`,
    `  rm -f -- "$f" "$f.pub"`,
    `  if o=$(ssh-keygen ${words.map(q).join(' ')} -f "$f" -N '' </dev/null 2>&1); then chown -- "$ids" "$f" "$f.pub"; echo made; else echo failed; printf '%s\\n' "$o"; fi`,
    `fi`,
    keyScript(a),
  ].join('\n');
}
