/** `ini` and `csvfile`: a value from a file of the controller, found on the search path. */
import fs from 'node:fs';
import { parseKv } from './kv.js';
import { findFile } from './search.js';
import { bool, LookupFailure, str, termList, type Lookup, type LookupCtx } from './types.js';

const INI_OPTIONS = ['type', 'file', 'section', 're', 'encoding', 'default', 'case_sensitive', 'allow_no_value', 'allow_none'];

const ini: Lookup = {
  options: INI_OPTIONS,
  run: (terms, kwargs, ctx) => {
    const base: Record<string, unknown> = { type: 'ini', file: 'ansible.ini', section: 'global', re: false, default: '', case_sensitive: false, ...kwargs };
    const out: unknown[] = [];
    for (const t of termList(terms)) {
      const term = str(t);
      const o = { ...base };
      let key = term;
      if (term.includes('=') || term.trim().includes(' ')) key = inlineOptions(term, o);
      const file = readFound(ctx, String(o.file));
      const sections = parseIni(o.type === 'properties' ? `[java_properties]\n${file}` : file, bool(o.case_sensitive), bool(o.allow_no_value ?? o.allow_none ?? false));
      const section = o.type === 'properties' ? 'java_properties' : String(o.section);
      const entries = sections.get(section);
      if (!entries) throw new LookupFailure(`No section '${section}' in ${o.file}`, true, 'ansible.errors.AnsibleLookupError');
      const merged = new Map([...(sections.get('DEFAULT') ?? []), ...entries]);
      if (bool(o.re)) {
        const re = new RegExp(`^(?:${key})`);
        for (const [k, v] of merged) if (re.test(k)) out.push(v);
        continue;
      }
      const k = bool(o.case_sensitive) ? key : key.toLowerCase();
      const v = merged.has(k) ? merged.get(k) : o.default;
      if (v !== undefined) out.push(v);
    }
    return out;
  },
};

/** ini's old inline form, `user section=integration file=users.ini`: the key, and the options set in `o`. */
function inlineOptions(term: string, o: Record<string, unknown>): string {
  let key: string | undefined;
  for (const [name, value] of Object.entries(parseKv(term))) {
    if (name === '_raw_params') key = value;
    else if (!INI_OPTIONS.includes(name)) throw new LookupFailure(`${name} is not a valid option.`, true, 'ansible.errors.AnsibleLookupError');
    else o[name] = value;
  }
  if (key === undefined) throw new LookupFailure(`No key to lookup was provided as first term with in string inline options: ${term}`);
  return key;
}

function readFound(ctx: LookupCtx, name: string): string {
  const found = findFile(ctx, 'files', name);
  if (!found) throw new LookupFailure(`Unable to retrieve file contents\nCould not find or access '${name}' on the Ansible Controller.`);
  return fs.readFileSync(found, 'utf8');
}

/** Python's configparser, as the ini lookup uses it: sections of `key = value` or `key: value`, continuation lines. */
export function parseIni(text: string, caseSensitive: boolean, allowNoValue: boolean, inlineComments = false): Map<string, Map<string, string | null>> {
  const sections = new Map<string, Map<string, string | null>>();
  let cur: Map<string, string | null> | undefined;
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*([#;]|$)/.test(line)) continue;
    if (/^\s/.test(line) && cur && last !== undefined) {
      cur.set(last, `${cur.get(last) ?? ''}\n${line.trim()}`);
      continue;
    }
    const head = /^\[([^\]]+)\]/.exec(line);
    if (head) {
      cur = sections.get(head[1]) ?? new Map();
      sections.set(head[1], cur);
      last = undefined;
      continue;
    }
    if (!cur) throw new LookupFailure('File contains no section headers.');
    const m = /^([^=:]*?)\s*[=:]\s*(.*)$/.exec(line);
    if (!m && !allowNoValue) throw new LookupFailure(`Source contains parsing errors: ${JSON.stringify(line)}`);
    const rawKey = (m ? m[1] : line).trim();
    const key = caseSensitive ? rawKey : rawKey.toLowerCase();
    // ansible.cfg is read with inline_comment_prefixes=(';',): ` ; note` ends the value.
    const value = m ? (inlineComments ? m[2].replace(/\s;.*$/, '') : m[2]).trim() : null;
    cur.set(key, value);
    last = key;
  }
  return sections;
}

const csvfile: Lookup = {
  options: ['col', 'default', 'delimiter', 'file', 'encoding'],
  run: (terms, kwargs, ctx) => {
    const out: unknown[] = [];
    const o: Record<string, unknown> = { col: '1', default: null, delimiter: 'TAB', file: 'ansible.csv', ...kwargs };
    for (const t of termList(terms)) {
      const kv = parseKv(str(t));
      if (kv._raw_params === undefined) throw new LookupFailure('Search key is required but was not found');
      for (const [name, value] of Object.entries(kv)) {
        if (name === '_raw_params') continue;
        if (!(name in o) && name !== 'encoding') throw new LookupFailure(`${name} is not a valid option`);
        o[name] = value;
      }
      const delim = o.delimiter === 'TAB' || o.delimiter === '\\t' ? '\t' : String(o.delimiter);
      const text = readFound(ctx, String(o.file));
      const row = csvRows(text, delim).find((r) => r.length > 0 && r[0] === kv._raw_params);
      if (!row) {
        if (o.default !== null && o.default !== undefined) out.push(o.default);
        continue;
      }
      const col = Number(o.col);
      if (!Number.isInteger(col) || col >= row.length) throw new LookupFailure('csvfile: list index out of range');
      out.push(row[col]);
    }
    return out;
  },
};

/** Python's csv.reader with the excel dialect and a given delimiter. */
function csvRows(text: string, delim: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '') {
      rows.push([]);
      continue;
    }
    const row: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') (cur += '"'), i++;
        else if (c === '"') quoted = false;
        else cur += c;
      } else if (c === '"' && cur === '') quoted = true;
      else if (c === delim) row.push(cur), (cur = '');
      else cur += c;
    }
    row.push(cur);
    rows.push(row);
  }
  return rows;
}

export const TABLE_LOOKUPS: Record<string, Lookup> = { ini, csvfile };
