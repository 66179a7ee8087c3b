import type { Pos } from './types.js';

/**
 * An error in what the user gave us (playbook, inventory, options).
 * Its message already reads `file:line:col: what is wrong`; the CLI prints it
 * as is and exits 1.
 */
export class UserError extends Error {
  readonly pos?: Pos;
  readonly detail: string;
  constructor(detail: string, pos?: Pos) {
    super(pos ? `${formatPos(pos)}: ${detail}` : detail);
    this.name = 'UserError';
    this.pos = pos;
    this.detail = detail;
  }
}

export function formatPos(pos: Pos): string {
  return `${pos.file}:${pos.line}:${pos.col}`;
}

/** Closest candidate by edit distance, for "did you mean" hints. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  const limit = Math.max(1, Math.floor(word.length / 3));
  return bestDist <= limit ? best : undefined;
}

/** `unknown module 'comand' (did you mean 'command'?)` */
export function withHint(message: string, word: string, candidates: Iterable<string>): string {
  const hint = didYouMean(word, candidates);
  return hint ? `${message} (did you mean '${hint}'?)` : message;
}

/** Edit distance counting a swap of two neighbours as one edit (`mdoe` → `mode`), the commonest typo. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
