/**
 * Tag selection with ansible-core's rules (Taggable.evaluate_tags):
 * `always` runs unless skipped by name, `never` runs only when asked for,
 * and the special words `all`, `tagged`, `untagged` work on both sides.
 */
export interface TagFilter {
  only: string[];
  skip: string[];
}

export function shouldRun(tags: readonly string[], filter: TagFilter): boolean {
  const set = new Set(tags);
  const only = new Set(filter.only.length ? filter.only : ['all']);
  const skip = new Set(filter.skip);
  let run = false;
  if (set.has('always')) run = true;
  else if (only.has('all') && !set.has('never')) run = true;
  else if (only.has('tagged') && set.size > 0 && !(set.size === 1 && set.has('never'))) run = true;
  else if (only.has('untagged') && set.size === 0) run = true;
  else if ([...set].some((t) => only.has(t))) run = true;
  if (!run || skip.size === 0) return run;
  if (skip.has('all')) return set.has('always') && !skip.has('always');
  if ([...set].some((t) => skip.has(t))) return false;
  if (skip.has('tagged') && set.size > 0) return false;
  if (skip.has('untagged') && set.size === 0) return false;
  return true;
}

/** `-t a,b -t c` → ['a','b','c'] */
export function splitTags(values: string | string[] | undefined): string[] {
  if (!values) return [];
  const list = Array.isArray(values) ? values : [values];
  return list.flatMap((v) => v.split(',')).map((t) => t.trim()).filter(Boolean);
}
