/**
 * Local facts (`ansible_local`) from facts.d, read as ansible-core reads
 * them: each `NAME.fact` file's text (or, when executable, its output) as
 * JSON, else as INI sections; what is neither becomes ansible-core's error
 * string for that name.
 */
import type { Vars } from '../model/index.js';

/** The `local` section: for each file, a marker with its name, its text, then a marker with its exit status. */
export function localFacts(lines: string[], nonce: string, factPath: string): Vars {
  const mark = `@@pw-${nonce}-file:`;
  const local: Vars = {};
  let name: string | undefined;
  let body: string[] = [];
  for (const line of lines) {
    if (!line.startsWith(mark)) {
      body.push(line);
      continue;
    }
    const value = line.slice(mark.length);
    if (name === undefined) {
      name = value;
      body = [];
      continue;
    }
    // The script adds one newline after each file so its end marker starts a line.
    const text = body.join('\n').replace(/\n$/, '');
    const file = `${factPath}/${name}.fact`;
    local[name] = value === '0' ? parseFact(text, file) : `Failure executing fact script (${file}), rc: ${value}, err: `;
    name = undefined;
  }
  return local;
}

function parseFact(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return parseIni(text) ?? `error loading facts as JSON or ini - please check content: ${file}`;
  }
}

/** Python's configparser for what facts.d files hold: `[section]`, `key = value` or `key: value`, keys lowercased. */
function parseIni(text: string): Vars | undefined {
  const out: Vars = {};
  let section: Vars | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[([^\]]+)\]$/.exec(line);
    if (head) {
      section = (out[head[1]] ??= {}) as Vars;
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (!section || !kv) return undefined;
    section[kv[1].toLowerCase()] = kv[2];
  }
  return Object.keys(out).length ? out : text.trim() ? undefined : {};
}
