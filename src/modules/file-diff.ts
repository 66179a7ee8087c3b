/**
 * The `diff` result key of the file modules, as ansible-core builds it:
 * content changes as text with headers (copy, template, lineinfile…), and
 * a file's state and attribute changes as before/after mappings (file).
 */
import { MAX_DIFF_SIZE, type FileDiff } from '../model/diff.js';
import { formatMode } from './mode.js';
import type { FileState } from './remote-file.js';

export { formatDiff, MAX_DIFF_SIZE, type FileDiff } from '../model/diff.js';

/** How many bytes of the old content a read must fetch for a diff (`ReadOptions.contentMax`). */
export const DIFF_READ_MAX = MAX_DIFF_SIZE;

const isBinary = (b: Buffer): boolean => b.includes(0);

/**
 * Old content (as read with `contentMax: DIFF_READ_MAX`) against new.
 * `before_header` is the destination when it existed; `after_header` names
 * where the new content came from (the source file or template).
 */
export function contentDiff(before: FileState, after: Buffer, afterHeader?: string): FileDiff {
  const diff: FileDiff = {};
  if (before.exists && before.type === 'file') {
    if (before.content === undefined || (before.size ?? 0) > MAX_DIFF_SIZE) diff.dst_larger = MAX_DIFF_SIZE;
    else if (isBinary(before.content)) diff.dst_binary = 1;
    else {
      diff.before = before.content.toString('utf8');
      diff.before_header = before.path;
    }
  } else {
    diff.before = '';
  }
  if (after.length > MAX_DIFF_SIZE) diff.src_larger = MAX_DIFF_SIZE;
  else if (isBinary(after)) diff.src_binary = 1;
  else if (diff.before !== undefined) {
    diff.after = after.toString('utf8');
    if (afterHeader !== undefined) diff.after_header = afterHeader;
  }
  if (diff.after === undefined) {
    delete diff.before;
    delete diff.before_header;
  }
  return diff;
}

/** What `file` shows of a path: its state and, when they change, its mode, owner and group. */
export interface AttrView {
  path: string;
  state?: string;
  mode?: number;
  owner?: string;
  group?: string;
}

/** ansible-core's file diff: `before`/`after` mappings holding only the keys that are compared. */
export function attrDiff(before: AttrView, after: AttrView): FileDiff {
  const side = (v: AttrView): Record<string, unknown> => {
    const out: Record<string, unknown> = { path: v.path };
    if (v.state !== undefined) out.state = v.state;
    if (v.mode !== undefined) out.mode = formatMode(v.mode);
    if (v.owner !== undefined) out.owner = v.owner;
    if (v.group !== undefined) out.group = v.group;
    return out;
  };
  return { before: side(before), after: side(after) };
}
