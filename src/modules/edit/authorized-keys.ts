/**
 * The edit `authorized_key` makes to an authorized_keys text, as
 * ansible.posix's module makes it (parsekey, parsekeys, enforce_state,
 * serialize): keys are known by their base64 part; a key whose type,
 * options or comment differ is removed and added again at the end; lines
 * that are not keys (comments, blanks, junk) stay where they are unless
 * `exclusive` removes everything not asked for. A written key line is
 * `options type key comment` (with a space before an empty comment, as
 * there).
 */

const KEY_TYPES = [
  'sk-ecdsa-sha2-nistp256@openssh.com', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com', 'ssh-ed25519', 'ssh-dss', 'ssh-rsa',
];

/** Options in their order; a name may repeat (`permitopen` twice). */
export type KeyOptions = Array<[string, string | null]>;

/** A line of the file: a key, or a line kept as it is (`type: 'skipped'`). */
export interface KeyLine {
  /** The base64 key, or the whole line for a skipped one. */
  id: string;
  type: string;
  options: KeyOptions;
  comment: string;
  rank: number;
}

/** `no-pty,command="a, b"` → its options, commas inside quotes kept. */
export function parseOptions(text: string | undefined): KeyOptions {
  if (!text) return [];
  const parts = text.match(/(?:[^,"']|"[^"]*"|'[^']*')+/g) ?? [];
  return parts.map((p) => {
    const eq = p.indexOf('=');
    return eq >= 0 ? [p.slice(0, eq), p.slice(eq + 1)] : [p, null];
  });
}

/** A key line, or undefined when it holds no key of a known type. */
export function parseKey(raw: string, rank: number): KeyLine | undefined {
  const text = raw.split('\\#').join('#');
  const words = text.split(/[ \t\r\n]+/).filter(Boolean);
  if (words[0] === '#') return { id: text, type: 'skipped', options: [], comment: '', rank };
  const at = words.findIndex((w) => KEY_TYPES.includes(w));
  if (at < 0 || at + 1 >= words.length) return undefined;
  return { id: words[at + 1]!, type: words[at]!, options: parseOptions(at > 0 ? words.slice(0, at).join(' ') : undefined), comment: words.slice(at + 2).join(' '), rank };
}

/** Python's `str.splitlines(True)`: lines with their ends. */
function linesWithEnds(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** The file's lines by id, in file order; a repeated id keeps its place and takes the later line's rank. */
export function parseKeys(text: string): Map<string, KeyLine> {
  const keys = new Map<string, KeyLine>();
  linesWithEnds(text).forEach((line, rank) => {
    const k = parseKey(line, rank) ?? { id: line, type: 'skipped', options: [], comment: '', rank };
    keys.set(k.id, k);
  });
  return keys;
}

function sameOptions(a: KeyOptions, b: KeyOptions): boolean {
  const group = (o: KeyOptions) => {
    const m = new Map<string, Array<string | null>>();
    for (const [k, v] of o) m.set(k, [...(m.get(k) ?? []), v]);
    return m;
  };
  const ga = group(a);
  const gb = group(b);
  return ga.size === gb.size && [...ga].every(([k, v]) => JSON.stringify(gb.get(k)) === JSON.stringify(v));
}

const same = (a: KeyLine, b: KeyLine) => a.id === b.id && a.type === b.type && sameOptions(a.options, b.options) && a.comment === b.comment;

export interface KeyEdit {
  /** The keys asked for, one a line (blank and `#` lines ignored). */
  key: string;
  state: 'present' | 'absent';
  exclusive: boolean;
  keyOptions?: string;
  comment?: string;
}

/** The new text, whether it changed, or the invalid key line. */
export type EditOutcome = { ok: true; changed: boolean; text: string } | { ok: false; msg: string };

export function editKeys(existing: string, edit: KeyEdit): EditOutcome {
  const wanted = edit.key.split(/\r\n|\r|\n/).filter((s) => s && !s.startsWith('#'));
  const keys = parseKeys(existing);
  const maxRank = keys.size;
  const keep: string[] = [];
  let write = false;
  for (const [index, line] of wanted.entries()) {
    const parsed = parseKey(line, index);
    if (!parsed) return { ok: false, msg: `invalid key specified: ${line}` };
    const k: KeyLine = {
      ...parsed,
      ...(edit.keyOptions !== undefined ? { options: parseOptions(edit.keyOptions) } : {}),
      ...(edit.comment !== undefined ? { comment: edit.comment } : {}),
    };
    const old = keys.get(k.id);
    const matched = old !== undefined && (edit.state === 'absent' || same(k, old));
    if (edit.state === 'present') {
      keep.push(k.id);
      if (old && !matched) {
        keys.delete(k.id);
        write = true;
      }
      if (!matched) {
        keys.set(k.id, { ...k, rank: maxRank + k.rank });
        write = true;
      }
    } else if (matched) {
      keys.delete(k.id);
      write = true;
    }
  }
  if (edit.state === 'present' && edit.exclusive) {
    for (const id of [...keys.keys()]) {
      if (!keep.includes(id)) {
        keys.delete(id);
        write = true;
      }
    }
  }
  return { ok: true, changed: write, text: write ? serialize(keys) : existing };
}

/** The lines in rank order (ties in the map's order, as Python's stable sort). */
export function serialize(keys: Map<string, KeyLine>): string {
  return [...keys.values()]
    .map((k, i) => ({ k, i }))
    .sort((a, b) => a.k.rank - b.k.rank || a.i - b.i)
    .map(({ k }) => {
      if (k.type === 'skipped') return k.id;
      const opts = k.options.length ? `${k.options.map(([n, v]) => (v === null ? n : `${n}=${v}`)).join(',')} ` : '';
      return `${opts}${k.type} ${k.id} ${k.comment}\n`;
    })
    .join('');
}
