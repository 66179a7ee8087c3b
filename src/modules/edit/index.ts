/** The pure text edits of lineinfile, blockinfile and replace, by module name. */
import { blockinfile } from './blockinfile.js';
import { lineinfile } from './lineinfile.js';
import { replace } from './replace.js';
import type { Before, EditResult } from './types.js';

export type EditName = 'lineinfile' | 'blockinfile' | 'replace';

export const EDITS: Record<EditName, (before: Before, args: Record<string, unknown>) => EditResult> = {
  lineinfile, blockinfile, replace,
};

export { withAttrs, type Before, type EditResult } from './types.js';
