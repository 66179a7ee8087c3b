/** Pure pattern helpers shared by inventory/ (host patterns) and engine/ (--start-at-task, secret names). */

/** Translate an fnmatch glob (`*`, `?`, `[seq]`, `[!seq]`) into an anchored RegExp. */
export function fnmatchToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else if (ch === '[') {
      // As Python's fnmatch: `!` negates, and a `]` right after `[` or `[!` is literal.
      let j = i + 1;
      if (glob[j] === '!') j++;
      if (glob[j] === ']') j++;
      while (j < glob.length && glob[j] !== ']') j++;
      if (j >= glob.length) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, j).replace(/\\/g, '\\\\');
      if (body.startsWith('!')) body = '^' + body.slice(1);
      else if (body.startsWith('^')) body = '\\' + body;
      out += `[${body.replace(/\]/g, '\\]')}]`;
      i = j;
    } else out += ch.replace(/[.+^${}()|\\/\]-]/g, '\\$&');
  }
  return new RegExp(`^(?:${out})$`, 's');
}
