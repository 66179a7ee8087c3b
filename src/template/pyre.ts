/**
 * Python `re` patterns and replacement templates over JS RegExp: Ansible's
 * regex filters and tests, and the modules that edit text (lineinfile,
 * blockinfile, replace), run through Python's `re` in ansible-core.
 * The pattern is translated token by token, so the differences that change
 * which lines match are kept: `$` also matches before a final "\n" (and `.`
 * matches "\r"), `(?P<n>…)`, `(?P=n)`, `\A`, `\Z`, `{,n}`, `(?#…)` comments
 * and leading inline flags.
 */

export interface PyFlags {
  multiline?: boolean;
  dotall?: boolean;
  ignorecase?: boolean;
  /** `re.fullmatch`: the pattern must match the whole string. */
  full?: boolean;
}

export interface PyRegExp {
  re: RegExp;
  /** The flags in force, inline `(?m)` included (blockinfile asks). */
  multiline: boolean;
}

const INLINE = /^\(\?([aiLmsux]+)\)/;

/** Compiles a Python pattern; throws an Error with Python-like wording when it cannot. */
/** `jsFlags`: extra JS flags (`g`, `d`). */
export function pyCompile(pattern: string, flags: PyFlags = {}, jsFlags = ''): PyRegExp {
  let src = pattern;
  let multiline = Boolean(flags.multiline);
  let dotall = Boolean(flags.dotall);
  let ignorecase = Boolean(flags.ignorecase);
  let verbose = false;
  for (let m = INLINE.exec(src); m; m = INLINE.exec(src)) {
    src = src.slice(m[0].length);
    multiline ||= m[1].includes('m');
    dotall ||= m[1].includes('s');
    ignorecase ||= m[1].includes('i');
    verbose ||= m[1].includes('x');
  }
  let js = translate(verbose ? stripVerbose(src) : src, multiline, dotall);
  if (flags.full) js = `${START}(?:${js})${END}`;
  try {
    return { re: new RegExp(js, jsFlags + (ignorecase ? 'i' : '')), multiline };
  } catch (e) {
    throw new Error(`invalid regular expression '${pattern}': ${(e as Error).message}`);
  }
}

const END = '(?![\\s\\S])';
const START = '(?<![\\s\\S])';

function translate(src: string, multiline: boolean, dotall: boolean): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const n = src[i + 1] ?? '';
      i++;
      if (inClass) out += '\\' + n;
      else if (n === 'A') out += START;
      else if (n === 'Z') out += END;
      else out += '\\' + n;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A ']' first in a class (or after '^') is a literal in Python.
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') { out += '\\]'; i++; }
      continue;
    }
    if (c === '(' && src.startsWith('(?#', i)) { i = src.indexOf(')', i); if (i < 0) i = src.length; continue; }
    if (c === '{') {
      const upTo = /^\{,(\d+)\}/.exec(src.slice(i));
      if (upTo) { out += `{0,${upTo[1]}}`; i += upTo[0].length - 1; continue; }
    }
    if (c === '(' && src.startsWith('(?P<', i)) { out += '(?<'; i += 3; continue; }
    if (c === '(' && src.startsWith('(?P=', i)) {
      const close = src.indexOf(')', i);
      out += `\\k<${src.slice(i + 4, close)}>`;
      i = close;
      continue;
    }
    if (c === '$') out += multiline ? `(?=\\n|${END})` : `(?=\\n?${END})`;
    else if (c === '^') out += multiline ? `(?:${START}|(?<=\\n))` : START;
    else if (c === '.') out += dotall ? '[\\s\\S]' : '[^\\n]';
    else out += c;
  }
  return out;
}

/** `(?x)`: whitespace and `#` comments outside classes are not part of the pattern. */
function stripVerbose(src: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') { out += c + (src[i + 1] ?? ''); i++; continue; }
    if (inClass) { if (c === ']') inClass = false; out += c; continue; }
    if (c === '[') { inClass = true; out += c; continue; }
    if (/\s/.test(c)) continue;
    if (c === '#') { while (i < src.length && src[i] !== '\n') i++; continue; }
    out += c;
  }
  return out;
}

type Part = string | number | { name: string };

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };

/** Python's replacement template (`\1`, `\g<1>`, `\g<name>`, `\n`…) as a function of a match. */
export function pyTemplate(template: string): (m: RegExpExecArray) => string {
  const parts: Part[] = [];
  const re = /\\(?:g<([^>]*)>|(\d{1,2})|(.))/gs;
  let last = 0;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    parts.push(template.slice(last, m.index));
    if (m[1] !== undefined) parts.push(/^\d+$/.test(m[1]) ? Number(m[1]) : { name: m[1] });
    else if (m[2] !== undefined) parts.push(Number(m[2]));
    else if (ESCAPES[m[3]] !== undefined) parts.push(ESCAPES[m[3]]);
    else if (/[A-Za-z]/.test(m[3])) throw new Error(`bad escape \\${m[3]}`);
    else parts.push('\\' + m[3]);
    last = re.lastIndex;
  }
  parts.push(template.slice(last));
  return (m) => parts.map((p) => {
    if (typeof p === 'string') return p;
    if (typeof p === 'number') {
      if (p >= m.length) throw new Error(`invalid group reference ${p}`);
      return m[p] ?? '';
    }
    if (!m.groups || !(p.name in m.groups)) throw new Error(`unknown group name '${p.name}'`);
    return m.groups[p.name] ?? '';
  }).join('');
}

/** Python's `re.subn`: the new text and how many replacements were made. */
export function pySubn(rx: RegExp, template: string, text: string): [string, number] {
  const expand = pyTemplate(template);
  const re = new RegExp(rx.source, rx.flags.includes('g') ? rx.flags : rx.flags + 'g');
  let out = '';
  let last = 0;
  let n = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out += text.slice(last, m.index) + expand(m);
    last = m.index + m[0].length;
    n++;
    if (m[0].length === 0) re.lastIndex++;
  }
  return [out + text.slice(last), n];
}
