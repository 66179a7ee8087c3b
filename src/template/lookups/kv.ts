/**
 * ansible-core's `parse_kv` for lookup terms (`start=1 end=5`,
 * `Li file=elements.csv delimiter=,`): words split on spaces outside
 * quotes; `k=v` words are options, the rest joined into `_raw_params`.
 */
export function parseKv(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const raw: string[] = [];
  for (const word of words(s)) {
    const eq = word.search(/(?<!\\)=/);
    if (eq > 0) out[word.slice(0, eq)] = unquote(word.slice(eq + 1));
    else raw.push(word);
  }
  if (raw.length) out._raw_params = raw.join(' ');
  return out;
}

function words(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  for (const c of s) {
    if (quote) {
      cur += c;
      if (c === quote) quote = '';
    } else if (c === ' ' || c === '\n' || c === '\t') {
      if (cur) out.push(cur);
      cur = '';
    } else {
      if (c === '"' || c === "'") quote = c;
      cur += c;
    }
  }
  if (cur) out.push(cur);
  return out;
}

function unquote(s: string): string {
  if (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s.at(-1) === s[0]) return s.slice(1, -1);
  return s;
}
