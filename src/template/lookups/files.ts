/** Lookups that read controller-side files found on the search path. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fnmatchToRegExp, isVaulted, UserError } from '../../model/index.js';
import { isMapping } from '../values.js';
import { findFile } from './search.js';
import { bool, LookupFailure, str, termList, type Lookup, type LookupCtx } from './types.js';

const file: Lookup = {
  options: ['lstrip', 'rstrip'],
  run: (terms, o, ctx) =>
    termList(terms).map((t) => {
      const name = str(t);
      const found = findFile(ctx, 'files', name);
      if (!found || !fs.statSync(found).isFile()) throw new LookupFailure(`could not locate file in lookup: ${name}`);
      // ansible-core's loader opens a vault-encrypted file (get_real_file(decrypt=True)); what it holds is secret from then on.
      let text = fs.readFileSync(found, 'utf8');
      if (isVaulted(text)) {
        if (!ctx.vault) throw new LookupFailure('Attempting to decrypt but no vault secrets found', false, 'ansible.parsing.vault.AnsibleVaultError');
        text = ctx.vault.open(text, { file: found, line: 1, col: 1 }).toString('utf8');
      }
      if (bool(o.lstrip ?? false)) text = text.replace(/^\s+/, '');
      if (bool(o.rstrip ?? true)) text = text.replace(/\s+$/, '');
      return text;
    }),
};

const template: Lookup = {
  options: [
    'convert_data', 'template_vars', 'jinja2_native', 'variable_start_string', 'variable_end_string',
    'comment_start_string', 'comment_end_string',
  ],
  run: (terms, o, ctx) =>
    termList(terms).map((t) => {
      const name = str(t);
      const found = findFile(ctx, 'templates', name);
      if (!found) throw new LookupFailure(`the template file ${name} could not be found for the lookup`);
      if ((o.variable_start_string ?? '{{') !== '{{' || (o.variable_end_string ?? '}}') !== '}}' || o.comment_start_string || o.comment_end_string) {
        throw new LookupFailure('the template lookup in playwatch takes the default delimiters only');
      }
      const extra = { ...templateVars(name, found), ...(isMapping(o.template_vars) ? o.template_vars : {}) };
      const source = fs.readFileSync(found, 'utf8');
      const out = ctx.render(source, extra);
      return typeof out === 'string' ? keepNewlines(source, out) : out;
    }),
};

/** ansible-core's preserve_trailing_newlines: the result ends with at least as many newlines as the source. */
function keepNewlines(source: string, out: string): string {
  const count = (s: string) => s.length - s.replace(/\n+$/, '').length;
  const missing = count(source) - count(out);
  return missing > 0 ? out + '\n'.repeat(missing) : out;
}

/** ansible-core's generate_ansible_template_vars, the parts a lookup can know. */
function templateVars(name: string, found: string): Record<string, unknown> {
  const st = fs.statSync(found);
  return {
    template_host: os.hostname(),
    template_path: name,
    template_fullpath: path.resolve(found),
    template_destpath: null,
    template_uid: String(st.uid),
    template_mtime: st.mtime.toISOString(),
    template_run_date: new Date().toISOString(),
  };
}

const fileglob: Lookup = {
  options: [],
  run: (terms, _o, ctx) =>
    termList(terms).flatMap((t) => {
      const term = str(t);
      const base = path.basename(term);
      const dirs = base !== term ? [findFile(ctx, 'files', path.dirname(term))] : ctx.searchPath.flatMap((p) => [path.join(p, 'files'), p]);
      for (const dir of dirs) {
        if (!dir) continue;
        const hits = glob(dir, base);
        if (hits.length) return hits;
      }
      return [];
    }),
};

/** Python's glob in one directory: files only; `*` does not match a leading dot. */
function glob(dir: string, pattern: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const re = fnmatchToRegExp(pattern);
  return names
    .filter((n) => re.test(n) && (pattern.startsWith('.') || !n.startsWith('.')))
    .map((n) => path.join(dir, n))
    .filter((p) => fs.statSync(p, { throwIfNoEntry: false })?.isFile());
}

const firstFound: Lookup = {
  options: ['files', 'paths', 'skip'],
  run: (terms, o, ctx) => {
    const { search, skip } = searchList(termList(terms), o);
    const subdir = ctx.subdir ?? 'files';
    for (const raw of search) {
      let fn: unknown;
      try {
        fn = ctx.render(raw);
      } catch (e) {
        if (e instanceof UserError && /undefined/.test(e.detail)) continue;
        throw e;
      }
      const found = findFile(ctx, subdir, String(fn));
      if (found) return [found];
    }
    if (skip) return [];
    throw new LookupFailure('No file was found when using first_found.', true, 'ansible.errors.AnsibleLookupError');
  },
};

/** first_found's _process_terms: file names, or files × paths from a mapping term. */
function searchList(terms: unknown[], kwargs: Record<string, unknown>): { search: string[]; skip: boolean } {
  let search: string[] = [];
  let skip = false;
  for (const term of terms) {
    let opts: Record<string, unknown>;
    if (isMapping(term)) opts = term;
    else if (typeof term === 'string') opts = kwargs;
    else if (Array.isArray(term)) {
      const inner = searchList(term, kwargs);
      search.push(...inner.search);
      skip = inner.skip;
      continue;
    } else throw new LookupFailure(`Invalid term supplied, can handle string, mapping or list of strings but got: ${typeof term} for ${term}`, true);
    const files = splitOn(opts.files ?? [], ',;');
    const paths = splitOn(opts.paths ?? [], ',:;');
    skip = bool(opts.skip ?? false);
    if (paths.length) for (const p of paths) for (const f of files) search.push(path.join(p, f));
    else if (files.length) search = files;
    else search.push(String(term));
  }
  return { search, skip };
}

function splitOn(v: unknown, chars: string): string[] {
  if (typeof v === 'string') return v.split(new RegExp(`[${chars}]`));
  if (Array.isArray(v)) return v.flatMap((x) => splitOn(x, chars));
  return [];
}

export const FILE_LOOKUPS: Record<string, Lookup> = { file, template, fileglob, first_found: firstFound };

export type { LookupCtx };
