/**
 * Host patterns for `hosts:` and `--limit`, evaluated as ansible-core's
 * InventoryManager does: `web:db` and `web,db` are unions, `:&prod`
 * intersects, `:!web3` excludes (all unions first, then intersections, then
 * exclusions), names and groups match by fnmatch glob (`web*`, `db[12]`),
 * `~regex` by regular expression, `web[0]` / `web[1:3]` / `web[-1]` pick
 * by index, and `@file` reads one pattern a line (a retry file).
 *
 * Order: hosts come in the order the patterns produce them (a group lists
 * its own hosts, then its children's), as ansible-core runs them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Inventory } from '../model/index.js';
import { UserError, fnmatchToRegExp } from '../model/index.js';
import { ensureImplicitLocalhost, isImplicit, LOCALHOST_NAMES } from './data.js';
import { groupHosts } from './vars.js';

/** Options for pattern evaluation. */
export interface PatternOptions {
  /** Directory `@file` patterns are relative to (default: process.cwd()). */
  cwd?: string;
}

/** The hosts a pattern selects, and the pattern terms that matched nothing. */
export interface Selection {
  hosts: string[];
  /** Terms that matched no host or group; ansible warns `Could not match supplied host pattern, ignoring: x`. */
  unmatched: string[];
}

/**
 * Hosts matched by `pattern`, in ansible-core's order. A pattern that matches
 * nothing gives `[]` (see `unmatchedPatterns` for the warning). Naming
 * `localhost` when the inventory lacks it adds ansible's implicit localhost
 * to `inv` (see `ensureImplicitLocalhost`).
 */
export function selectHosts(inv: Inventory, pattern: string | string[], opts: PatternOptions = {}): string[] {
  return evaluatePattern(inv, pattern, opts).hosts;
}

/** Pattern terms that matched nothing, for `Could not match supplied host pattern, ignoring: x` warnings. */
export function unmatchedPatterns(inv: Inventory, pattern: string | string[], opts: PatternOptions = {}): string[] {
  return evaluatePattern(inv, pattern, opts).unmatched;
}

/**
 * `hosts` (already selected, e.g. by a play's `hosts:`) narrowed to those
 * `limit` also selects, keeping the order of `hosts`. `limit` is a pattern
 * as for `--limit` (`@retry-file` included); an empty limit keeps all.
 */
export function limitHosts(inv: Inventory, hosts: string[], limit: string | string[] | undefined, opts: PatternOptions = {}): string[] {
  if (limit === undefined || (Array.isArray(limit) ? limit.length === 0 : limit.trim() === '')) return [...hosts];
  const allowed = new Set(selectHosts(inv, limit, opts));
  return hosts.filter((h) => allowed.has(h));
}

/** Evaluate a pattern, returning the hosts and the unmatched terms. */
export function evaluatePattern(inv: Inventory, pattern: string | string[], opts: PatternOptions = {}): Selection {
  const cwd = opts.cwd ?? process.cwd();
  const terms = orderTerms(expandFiles(splitPattern(pattern), cwd));
  let hosts: string[] = [];
  const unmatched: string[] = [];
  for (const term of terms) {
    // A plain host name needs no matching (ansible-core's shortcut too).
    if (inv.hosts.has(term)) {
      if (!hosts.includes(term)) hosts.push(term);
      continue;
    }
    const op = term[0] === '!' || term[0] === '&' ? term[0] : '';
    const body = op ? term.slice(1) : term;
    const matched = matchTerm(inv, body, unmatched);
    if (op === '!') {
      const drop = new Set(matched);
      hosts = hosts.filter((h) => !drop.has(h));
    } else if (op === '&') {
      const keep = new Set(matched);
      hosts = hosts.filter((h) => keep.has(h));
    } else {
      const have = new Set(hosts);
      for (const h of matched) if (!have.has(h)) (have.add(h), hosts.push(h));
    }
  }
  return { hosts, unmatched };
}

/**
 * Split a pattern into terms: on commas when it has any, else on colons that
 * are outside `[...]` (so `web[1:3]` stays whole). `&` and `!` stay on
 * their term.
 */
export function splitPattern(pattern: string | string[]): string[] {
  if (Array.isArray(pattern)) return pattern.flatMap(splitPattern);
  const parts = pattern.includes(',') ? pattern.split(',') : (pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? []);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** Unions first, then intersections, then exclusions; only `&`/`!` terms imply `all` first. */
function orderTerms(terms: string[]): string[] {
  const plain = terms.filter((t) => t[0] !== '&' && t[0] !== '!');
  const and = terms.filter((t) => t[0] === '&');
  const not = terms.filter((t) => t[0] === '!');
  return [...(plain.length ? plain : ['all']), ...and, ...not];
}

/** Replace `@file` terms by the patterns in the file, one a line. */
function expandFiles(terms: string[], cwd: string): string[] {
  return terms.flatMap((t) => {
    const op = t[0] === '!' || t[0] === '&' ? t[0] : '';
    if (t[op.length] !== '@') return [t];
    const file = path.resolve(cwd, t.slice(op.length + 1));
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat) throw new UserError(`cannot find limit file '${file}' (from pattern '${t}')`);
    if (!stat.isFile()) throw new UserError(`'${t}': a pattern starting with '@' must name a file, not a directory`);
    const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.trim());
    return splitPattern(lines.filter((l) => l !== '' && !l.startsWith('#'))).map((p) => (op ? op + p : p));
  });
}

const SUBSCRIPT = /^(.+)\[(?:(-?\d+)|(\d+)([:-])(\d*))\]$/;

/** Hosts matched by one term (without its `&`/`!`), subscript applied. */
function matchTerm(inv: Inventory, term: string, unmatched: string[]): string[] {
  let expr = term;
  let sub: { start: number; end?: number } | undefined;
  const m = term[0] === '~' ? null : SUBSCRIPT.exec(term);
  if (m) {
    expr = m[1];
    sub = m[2] !== undefined ? { start: Number(m[2]) } : { start: Number(m[3]), end: m[5] === '' ? -1 : Number(m[5]) };
  }
  const hosts = enumerate(inv, expr, unmatched);
  if (!sub) return hosts;
  if (sub.end === undefined) {
    const i = sub.start < 0 ? hosts.length + sub.start : sub.start;
    return i >= 0 && i < hosts.length ? [hosts[i]] : [];
  }
  const end = sub.end === -1 ? hosts.length - 1 : sub.end;
  return hosts.slice(sub.start, end + 1);
}

/** Hosts of the groups the expression matches, plus hosts it matches by name. */
function enumerate(inv: Inventory, expr: string, unmatched: string[]): string[] {
  const test = compile(expr);
  const groups = [...inv.groups.keys()].filter((g) => test(g));
  const out = new Set<string>();
  for (const g of groups) for (const h of groupHosts(inv, g)) out.add(h);
  if (groups.length === 0 || expr[0] === '~' || /[.?*[]/.test(expr)) {
    for (const h of inv.hosts.keys()) if (test(h) && (!isImplicit(inv, h) || h === expr)) out.add(h);
  }
  if (out.size === 0 && LOCALHOST_NAMES.includes(expr)) out.add(ensureImplicitLocalhost(inv, expr).name);
  if (out.size === 0 && groups.length === 0 && expr !== 'all') unmatched.push(expr);
  return [...out];
}

/** fnmatch for names; `~` introduces a regular expression matched at the start of the name. */
function compile(expr: string): (name: string) => boolean {
  if (expr[0] === '~') {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${expr.slice(1)})`);
    } catch (err) {
      throw new UserError(`invalid host pattern regex '${expr}': ${(err as Error).message}`);
    }
    return (name) => re.test(name);
  }
  const re = fnmatchToRegExp(expr);
  return (name) => re.test(name);
}
