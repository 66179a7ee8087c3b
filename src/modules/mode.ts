/**
 * File modes as ansible-core's `mode` option takes them: an integer (YAML's
 * `0644` is already 420), an octal string (`'0644'`, `'644'`), or a
 * symbolic expression (`u=rw,g=r,o=`, `a+X`, `go-w`), which is applied to
 * the file's current mode as `AnsibleModule._symbolic_mode_to_octal` does.
 * The target is then always given an octal `chmod`, so the change is
 * predicted exactly in check mode.
 */

const OCTAL = /^0?[0-7]{1,4}$/;
const PART = /^[ugoa]*([-+=][rwxXstugo]*)+$/;

/** Why a literal mode is unusable, or undefined when it is fine. */
export function modeProblem(v: string | number): string | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 && v <= 0o7777 ? undefined : `mode ${v} is out of range`;
  if (v === 'preserve' || OCTAL.test(v)) return undefined;
  const bad = v.split(',').find((part) => !PART.test(part));
  return bad === undefined ? undefined : `bad symbolic permission for mode: ${bad} (use octal like '0644' or symbolic like 'u=rw,g=r,o=')`;
}

/** `0644` → `'0644'`, as ansible-core's results show modes. */
export function formatMode(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

/** Where a symbolic mode is applied: the file's mode now, whether it is a directory, the target's umask. */
export interface ModeBase {
  current: number;
  isDir: boolean;
  umask: number;
}

/**
 * The numeric mode `v` asks for, given the file as it is (or as it will be
 * when created). Throws an Error for a mode `modeProblem` would refuse.
 */
export function resolveMode(v: string | number, base: ModeBase): number {
  if (typeof v === 'number') return v;
  if (OCTAL.test(v)) return parseInt(v, 8);
  const problem = modeProblem(v);
  if (problem || v === 'preserve') throw new Error(problem ?? "mode 'preserve' applies to copy and template only");
  let mode = base.current & 0o7777;
  for (const part of v.split(',')) {
    const users0 = /^[ugoa]*/.exec(part)![0];
    const useUmask = users0 === '';
    const users = users0 === '' || users0.includes('a') ? 'ugo' : users0;
    for (const [, op, perms] of part.slice(users0.length).matchAll(/([-+=])([rwxXstugo]*)/g)) {
      for (const user of users) {
        const bits = permBits(user as Who, perms, mode, base, useUmask);
        mode = applyOp(user as Who, op, bits, mode);
      }
    }
  }
  return mode;
}

type Who = 'u' | 'g' | 'o';

const RWX: Record<Who, [number, number, number]> = { u: [0o400, 0o200, 0o100], g: [0o040, 0o020, 0o010], o: [0o004, 0o002, 0o001] };

function permBits(user: Who, perms: string, prev: number, base: ModeBase, useUmask: boolean): number {
  const keep = useUmask ? ~base.umask & 0o7777 : 0o7777;
  const [r, w, x] = RWX[user];
  const applyX = base.isDir || (prev & 0o111) > 0;
  const copy = (from: Who): number => {
    const shift = { u: 6, g: 3, o: 0 };
    return ((prev >> shift[from]) & 7) << shift[user];
  };
  let out = 0;
  for (const p of perms) {
    if (p === 'r') out |= r & keep;
    else if (p === 'w') out |= w & keep;
    else if (p === 'x') out |= x & keep;
    else if (p === 'X') out |= applyX ? x : 0;
    else if (p === 's') out |= user === 'u' ? 0o4000 : user === 'g' ? 0o2000 : 0;
    else if (p === 't') out |= user === 'o' ? 0o1000 : 0;
    else out |= copy(p as Who);
  }
  return out;
}

function applyOp(user: Who, op: string, bits: number, mode: number): number {
  if (op === '+') return mode | bits;
  if (op === '-') return mode & ~bits;
  const mask = user === 'u' ? 0o4700 : user === 'g' ? 0o2070 : 0o1007;
  return (mode & ~mask) | bits;
}
