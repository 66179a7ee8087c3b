/**
 * A js-yaml schema that reads plain scalars exactly as the fallback parser
 * does: it asks the `yaml` package's own YAML 1.1 resolvers (with the PyYAML
 * booleans, no timestamps), so `0644`, `1:20`, `yes`, `~` and friends come out
 * the same whichever parser read the file.
 */
import { FAILSAFE_SCHEMA, Type, type Schema } from 'js-yaml';
import { isScalar, parseDocument } from 'yaml';
import { YAML_OPTIONS } from './slow.js';

/** The tag js-yaml looks for on a `<<` key to merge mappings. */
export const MERGE_TAG = 'tag:yaml.org,2002:merge';

/** Thrown inside the fast path when it leaves a file to the fallback parser. */
export class Decline extends Error {}

/** One shared instance: declining is control flow, not an error to trace. */
export const DECLINE = new Decline('left to the fallback parser');

interface ScalarTag {
  tag: string;
  default?: boolean | 'key';
  test?: RegExp;
  collection?: string;
  resolve(src: string, onError: (msg: string) => void, options: unknown): unknown;
}

const reference = parseDocument('', YAML_OPTIONS);
const resolveOptions = reference.options;
// The implicit scalar tags in the order `yaml` tries them (the first match wins).
const implicitTags = (reference.schema.tags as unknown as ScalarTag[]).filter(
  (t) => t.default === true && t.test && !t.collection,
);

// Every implicit YAML 1.1 type (null, bool, int, float, sexagesimal) starts
// with one of these; any other plain scalar is a string without testing.
const CANDIDATE = new Uint8Array(128);
for (const c of '~nNyYtTfFoO+-.0123456789') CANDIDATE[c.charCodeAt(0)] = 1;
// A word (first character a letter) can only be a null or a bool, of 5
// letters at most; the number types all start with a digit, a sign or a dot.
const LONGEST_WORD = 5;
const wordTags = implicitTags.filter((t) => t.tag === 'tag:yaml.org,2002:null' || t.tag === 'tag:yaml.org,2002:bool');

let resolved: unknown;

function resolvePlain(data: string): boolean {
  const c = data.charCodeAt(0);
  if (c >= 128 || CANDIDATE[c] === 0) return false;
  const word = c >= 65;
  if (word && data.length > LONGEST_WORD) return false;
  for (const t of word ? wordTags : implicitTags) {
    if (!t.test!.test(data)) continue;
    let failed = false;
    const v = t.resolve(data, () => (failed = true), resolveOptions);
    if (failed) throw DECLINE;
    resolved = isScalar(v) ? v.value : v;
    return true;
  }
  return false;
}

const plain = new Type('tag:playwatch,2025:plain', {
  kind: 'scalar',
  resolve: resolvePlain,
  construct: () => resolved,
});

const merge = new Type(MERGE_TAG, {
  kind: 'scalar',
  resolve: (data: string) => data === '<<',
  construct: (data: string) => data,
});

// `!unsafe` and other local tags: `yaml` leaves the node as if it were
// untagged except that a scalar stays text, and an empty one is ''. (A file
// holding `!vault` never comes here: the fallback parser reads it and opens
// each value where it stands, see source.ts.)
// The scalar type comes first so it is the one an empty node gets.
const local = (['scalar', 'sequence', 'mapping'] as const).map(
  (kind) =>
    new Type('!', {
      kind,
      multi: true,
      resolve: () => true,
      construct: (data: unknown) => (data === null && kind === 'scalar' ? '' : data),
    }),
);

/** The schema for the fast path: failsafe (`!!str`, `!!seq`, `!!map`) plus the above. */
export const PLAYBOOK_SCHEMA: Schema = FAILSAFE_SCHEMA.extend({ implicit: [merge, plain], explicit: local });
