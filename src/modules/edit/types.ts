/** What a pure text edit decides: the new content and what ansible-core would report. */
export interface EditResult {
  /** The file's content afterwards; null when there is no file (and none is made). */
  content: string | null;
  changed: boolean;
  msg: string;
  /** The module fails with this message (content is then the old one). */
  failed?: boolean;
  /** ansible-core's `rc` on failures (256 a directory, 257 missing) and replace's `rc: 0`. */
  rc?: number;
  /** A backup of the existing file should be taken before writing (`backup: true`, changed, file existed). */
  backup: boolean;
  /** lineinfile `state: absent`: how many lines matched. */
  found?: number;
  warnings?: string[];
  /**
   * ansible-core returns early before the attributes step (missing file in check
   * mode, `state: absent` on a missing file): `mode`/`owner`/`group` are then not applied.
   */
  skipAttrs?: boolean;
}

/** The file as read from the target: its content, or null when it does not exist. */
export type Before = string | null;

export function fail(content: Before, msg: string, rc?: number): EditResult {
  return { content, changed: false, msg, failed: true, backup: false, ...(rc === undefined ? {} : { rc }), skipAttrs: true };
}

/** ansible-core's `check_file_attrs`: an attribute change joins the message. */
export function withAttrs(msg: string, changed: boolean, attrsChanged: boolean): { msg: string; changed: boolean } {
  if (!attrsChanged) return { msg, changed };
  return { msg: (changed ? msg + ' and ' : msg) + 'ownership, perms or SE linux context changed', changed: true };
}

/** Python's `bytes.readlines()`: lines keep their "\n"; only "\n" ends a line. */
export function readLines(s: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', start)) {
    out.push(s.slice(start, i + 1));
    start = i + 1;
  }
  if (start < s.length) out.push(s.slice(start));
  return out;
}

/** Python's `bytes.splitlines(True)`: "\n", "\r\n" and "\r" end lines, and are kept. */
export function splitLinesKeep(s: string): string[] {
  return s.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

/** `line.rstrip(b'\r\n')` */
export function rstripEol(s: string): string {
  return s.replace(/[\r\n]+$/, '');
}

/** ansible-core's `mutually_exclusive` check: every group with two or more args given, in one message. */
export function exclusive(args: Record<string, unknown>, groups: string[][]): string | undefined {
  const given = (k: string) => args[k] !== undefined && args[k] !== null;
  const hit = groups.filter((g) => g.filter(given).length > 1).map((g) => g.join('|'));
  return hit.length ? `parameters are mutually exclusive: ${hit.join(', ')}` : undefined;
}
