/**
 * ansible-core's builtin lookup plugins, each in a small module, by name.
 * `url` is left out on purpose: see UNSUPPORTED.
 */
import { FILE_LOOKUPS } from './files.js';
import { CONTROLLER_LOOKUPS } from './controller.js';
import { DATA_LOOKUPS } from './data.js';
import { TABLE_LOOKUPS } from './tables.js';
import type { Lookup } from './types.js';

export { LookupFailure, LookupUndefined, type Lookup, type LookupCtx } from './types.js';

const LOOKUPS: Record<string, Lookup> = { ...DATA_LOOKUPS, ...FILE_LOOKUPS, ...TABLE_LOOKUPS, ...CONTROLLER_LOOKUPS };

/** Lookups playwatch refuses, with what to do instead. */
export const UNSUPPORTED_LOOKUPS: Record<string, string> = {
  url:
    "the 'url' lookup is not supported: it makes an HTTP request from the controller during templating, " +
    'where a slow or hanging server would stall every host; fetch with the uri module (delegate_to: localhost) and register the result',
  unvault: "the 'unvault' lookup is not supported yet: read the file with include_vars or vars_files",
};

/** `file`, `ansible.builtin.file` and `ansible.legacy.file` are one lookup. */
export function lookupName(name: string): string {
  return name.replace(/^ansible\.(builtin|legacy)\./, '');
}

export function lookupNamed(name: string): Lookup | undefined {
  const short = lookupName(name);
  return Object.hasOwn(LOOKUPS, short) ? LOOKUPS[short] : undefined;
}

export function lookupNames(): string[] {
  return Object.keys(LOOKUPS);
}
