/**
 * Python package requirements as ansible-core's `pip` module reads them
 * (`name`, `name==1.0`, `name[extra]>=1,<2`), and whether an installed
 * version satisfies one: the comparisons deploy playbooks use, on
 * dotted version numbers.
 */

export interface Requirement {
  /** As given (what goes on pip's command line). */
  text: string;
  /** Canonical name: lower case, runs of `-_.` as one `-`. */
  name: string;
  /** `[op, version]` pairs, all of which must hold. */
  specs: Array<[string, string]>;
}

export function canonicalName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** A requirement string, with `version` appended as ansible-core does (`==` when it starts with a digit). Undefined for URLs and paths. */
export function parseRequirement(text: string, version?: string): Requirement | undefined {
  const full = version === undefined ? text : `${text}${/^\d/.test(version) ? '==' : ' '}${version}`;
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$/.exec(full);
  if (!m || /[/:]/.test(m[1])) return undefined;
  const specs: Array<[string, string]> = [];
  for (const part of m[3].split(',').map((s) => s.trim()).filter(Boolean)) {
    const s = /^(===|==|!=|~=|>=|<=|>|<)\s*(\S+)$/.exec(part);
    if (!s) return undefined;
    specs.push([s[1], s[2]]);
  }
  return { text: full, name: canonicalName(m[1]), specs };
}

/** -1, 0, 1: numeric parts by number, others by text; missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/);
  const pb = b.split(/[.+-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    const c = !Number.isNaN(nx) && !Number.isNaN(ny) ? Math.sign(nx - ny) : x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return c;
  }
  return 0;
}

function holds(installed: string, op: string, want: string): boolean {
  if ((op === '==' || op === '!=') && want.endsWith('.*')) {
    const prefix = want.slice(0, -2);
    const same = installed === prefix || installed.startsWith(`${prefix}.`);
    return op === '==' ? same : !same;
  }
  const c = compareVersions(installed, want);
  switch (op) {
    case '===': return installed === want;
    case '==': return c === 0;
    case '!=': return c !== 0;
    case '>=': return c >= 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    case '<': return c < 0;
    case '~=': {
      const parts = want.split('.');
      const prefix = parts.slice(0, Math.max(1, parts.length - 1)).join('.');
      return c >= 0 && (installed === prefix || installed.startsWith(`${prefix}.`));
    }
  }
  return false;
}

/** Whether a `pip list --format=freeze` listing has the requirement installed (ansible-core's `_is_present`). */
export function isPresent(req: Requirement, freeze: string[]): boolean {
  return freeze.some((line) => {
    const i = line.indexOf('==');
    if (i < 0) return false;
    return canonicalName(line.slice(0, i)) === req.name && req.specs.every(([op, v]) => holds(line.slice(i + 2).trim(), op, v));
  });
}

/** `shlex.split` for `extra_args`: words, single and double quotes, backslash escapes. */
export function splitWords(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let any = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      any = true;
    } else if (ch === '\\' && i + 1 < s.length) {
      cur += s[++i];
      any = true;
    } else if (/\s/.test(ch)) {
      if (cur || any) out.push(cur);
      cur = '';
      any = false;
    } else cur += ch;
  }
  if (cur || any) out.push(cur);
  return out;
}

const OPERATORS = ['>=', '<=', '>', '<', '==', '!=', '~='];

/** ansible-core's `_recover_package_name`: the list type split `a>=1,<2` at its comma; version fragments and extras go back onto their name. */
export function recoverNames(names: string[]): string[] {
  const parts = names.flatMap((n) => n.split(','));
  const out: string[] = [];
  let current: string[] = [];
  let inBrackets = false;
  for (const p of parts) {
    if (!OPERATORS.some((op) => p.trimStart().startsWith(op)) && !inBrackets) {
      if (current.length) out.push(current.join(','));
      current = [];
    }
    if (p.includes('[')) inBrackets = true;
    if (inBrackets && p.includes(']')) inBrackets = false;
    current.push(p);
  }
  out.push(current.join(','));
  return out.filter((n) => n !== '');
}
