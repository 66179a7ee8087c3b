/**
 * The fast parser: js-yaml builds the values, and its open/close listener
 * gives the offsets from which a positioned tree is rebuilt here. Each
 * collection is checked against the value js-yaml built for it; anything the
 * rebuild cannot account for (explicit `?` keys, empty sequence entries,
 * collection or null keys, directives…) declines, and the caller reads the
 * file with the fallback parser instead.
 */
import { load, type State } from 'js-yaml';
import { CR, LF, SP, TAB, checkMap, precheck } from './checks.js';
import type { YAlias, YMap, YNode, YPair, YScalar, YSeq } from './nodes.js';
import { DECLINE, MERGE_TAG, PLAYBOOK_SCHEMA } from './schema.js';

/** The listener's state, with the fields @types/js-yaml leaves out. */
interface ComposeState extends State {
  tag: string | null;
  anchor: string | null;
}

/** The nodes of one open collection: `count` of them from `mark` in the pending list. */
interface Kids {
  open: number;
  mark: number;
  count: number;
}

const isGap = (c: number) => c === SP || c === TAB || c === LF || c === CR;
const isProp = (c: number) => c === 33 || c === 38; // ! &
const isFlowIndicator = (c: number) => c === 44 || c === 91 || c === 93 || c === 123 || c === 125; // , [ ] { }

/**
 * Parses `text` into a positioned tree, or throws DECLINE (or js-yaml's own
 * error) when the fallback parser should read it.
 */
export function parseFast(text: string): YNode | null {
  precheck(text);
  // js-yaml drops a byte-order mark itself; drop it here so offsets can be shifted back.
  const base = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const b = new Builder(base ? text.slice(1) : text, base);
  load(b.text, { schema: PLAYBOOK_SCHEMA, json: true, listener: b.listener });
  return b.finishRoot();
}

class Builder {
  // Open nodes' start offsets, and where their finished children begin in
  // `done`; flat arrays, since a frame object per node is most of the garbage.
  private opens: number[] = [];
  private marks: number[] = [];
  private done: YNode[] = [];
  private doneOpens: number[] = [];
  /** How many of `done` are live; the rest are stale (cheaper than cutting the arrays). */
  private doneCount = 0;
  private root: YNode | undefined;
  private rootEmptyWithProps = false;
  private anchors = new Map<string, YNode>();
  /** Empty nodes without tag or anchor: the only kind js-yaml composes and then drops. */
  private bare = new WeakSet<YNode>();
  /** Plain `<<` scalars: a merge when they turn out to be a key, else text. */
  private mergeTagged = new WeakSet<YNode>();

  constructor(
    readonly text: string,
    private readonly base: number,
  ) {}

  readonly listener = (event: string, state: State): void => {
    if (event === 'open') {
      this.opens.push(state.position);
      this.marks.push(this.doneCount);
      return;
    }
    const open = this.opens.pop()!;
    const mark = this.marks.pop()!;
    const node = this.close({ open, mark, count: this.doneCount - mark }, state as ComposeState);
    if (this.opens.length > 0) {
      this.done[mark] = node;
      this.doneOpens[mark] = open;
      this.doneCount = mark + 1;
    } else {
      this.root = node;
    }
  };

  finishRoot(): YNode | null {
    const root = this.root;
    if (root === undefined) return null;
    if (!this.bare.has(root) || root.kind !== 'scalar' || root.value !== null) {
      if (this.rootEmptyWithProps) throw DECLINE;
      // js-yaml keeps the final line break of a top-level `|-` whose text is not indented.
      const c = this.text.charCodeAt(root.start - this.base);
      if (root.kind === 'scalar' && (c === 124 /* | */ || c === 62) /* > */) throw DECLINE;
      return root;
    }
    // An empty document: `yaml` has no node at all, or an empty one just
    // after `---`, or at a `...` that comes first.
    const m = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/m.exec(this.text);
    if (!m) return null;
    const at = m[0] === '---' ? this.skipBlanks(m.index + 3) : m.index;
    return { kind: 'scalar', start: this.base + at, value: null, js: null };
  }

  private close(frame: Kids, state: ComposeState): YNode {
    const kind = state.kind as string | null;
    const js: unknown = state.result;
    let node: YNode;
    if (kind === 'mapping' || kind === 'sequence') {
      const only = frame.count === 1 ? this.done[frame.mark] : undefined;
      // js-yaml tries a block mapping first and keeps the "key" when no `:`
      // follows: that key is this very node, not a child of it.
      if (only && only.kind !== 'alias' && only.js === js) node = only;
      else {
        node = kind === 'mapping' ? this.map(frame, js) : this.seq(frame, js);
        const c = this.text.charCodeAt(node.start - this.base);
        if (c === 91 /* [ */ || c === 123 /* { */) this.checkFlowEnd(node.start - this.base, state.position);
      }
    } else {
      const at = this.contentStart(frame.open);
      if (kind === null && this.text.charCodeAt(at) === 42 /* * */) node = this.alias(at, js);
      else if (kind === null) node = this.empty(frame, state, js);
      else node = this.scalar(at, state, js);
      if (kind === 'scalar') this.checkScalar(at, state.position);
    }
    if (state.anchor !== null) this.anchors.set(state.anchor, node);
    return node;
  }

  private scalar(at: number, state: ComposeState, js: unknown): YScalar {
    const node: YScalar = { kind: 'scalar', start: this.base + at, value: js, js };
    if (state.tag === MERGE_TAG) this.mergeTagged.add(node);
    return node;
  }

  /**
   * Declines the scalars js-yaml reads differently from `yaml`: quoted ones
   * with blanks or a backslash before a line break, and block scalars with an
   * explicit indentation digit (whose blank lines the two count differently).
   */
  private checkScalar(at: number, end: number): void {
    const t = this.text;
    const c = t.charCodeAt(at);
    if (c === 34 /* " */ || c === 39 /* ' */) {
      const nl = t.indexOf('\n', at);
      if (nl !== -1 && nl < end && /[ \t\\]\r?\n/.test(t.slice(at, end))) throw DECLINE;
      this.checkFlowEnd(at, end);
    } else if (c === 124 /* | */ || c === 62 /* > */) {
      for (let p = at + 1; p < end; p++) {
        const h = t.charCodeAt(p);
        if (h >= 48 && h <= 57) throw DECLINE;
        if (h !== 43 && h !== 45) break; // + -
      }
      this.checkLeadingBlanks(at, end);
    }
  }

  /** `yaml` refuses leading blank lines more indented than the text (without an indentation digit). */
  private checkLeadingBlanks(at: number, end: number): void {
    const t = this.text;
    let widest = 0;
    for (let nl = t.indexOf('\n', at); nl !== -1 && nl < end; nl = t.indexOf('\n', nl + 1)) {
      let p = nl + 1;
      while (t.charCodeAt(p) === SP) p++;
      const c = t.charCodeAt(p);
      if (c !== LF && c !== CR && p < t.length) {
        if (widest > p - nl - 1) throw DECLINE;
        return;
      }
      widest = Math.max(widest, p - nl - 1);
    }
    if (widest > 0) throw DECLINE;
  }

  /**
   * Where a flow collection or quoted scalar ends, js-yaml lets pass two
   * things `yaml` reports: a `#` right after it, and (when it spans lines)
   * a line not indented past the block it sits in. Both decline; nested in
   * a flow collection, the outer one's lines are the ones that count.
   */
  private checkFlowEnd(at: number, end: number): void {
    const t = this.text;
    if (t.charCodeAt(end) === 35 /* # */) throw DECLINE;
    let nl = t.indexOf('\n', at);
    if (nl === -1 || nl >= end || this.inFlow(at)) return;
    // The block indentation of the first line: its spaces and `- ` entries.
    let p0 = t.lastIndexOf('\n', at - 1) + 1;
    for (;;) {
      while (t.charCodeAt(p0) === SP) p0++;
      if (t.charCodeAt(p0) === 45 /* - */ && t.charCodeAt(p0 + 1) === SP) p0 += 2;
      else break;
    }
    const indent = p0 - (t.lastIndexOf('\n', at - 1) + 1);
    while (nl !== -1 && nl < end) {
      let p = nl + 1;
      while (t.charCodeAt(p) === SP) p++;
      const c = t.charCodeAt(p);
      if (c !== LF && c !== CR && p < end && p - nl - 1 <= indent) throw DECLINE;
      nl = t.indexOf('\n', p);
    }
  }

  /** Whether the node starting at `at` sits inside a flow collection (skipping its own wrappers). */
  private inFlow(at: number): boolean {
    for (let k = this.opens.length - 1; k >= 0; k--) {
      const p = this.contentStart(this.opens[k]);
      if (p === at) continue;
      const c = this.text.charCodeAt(p);
      return c === 91 || c === 123;
    }
    return false;
  }

  private alias(at: number, js: unknown): YAlias {
    let end = at + 1;
    while (end < this.text.length) {
      const c = this.text.charCodeAt(end);
      if (isGap(c) || isFlowIndicator(c)) break;
      end++;
    }
    const target = this.anchors.get(this.text.slice(at + 1, end));
    // A node that refers to itself (still open, so not here yet, or an older
    // anchor of the same name) is left to the reference parser.
    if (!target || !Object.is(target.js, js)) throw DECLINE;
    return { kind: 'alias', start: this.base + at, target, js };
  }

  private empty(frame: Kids, state: ComposeState, js: unknown): YScalar {
    // An empty `!!map` or `!!seq` is {} or [] to js-yaml but '' to `yaml`.
    if (js !== null && typeof js === 'object') throw DECLINE;
    const node: YScalar = { kind: 'scalar', start: this.base + this.skipBlanks(frame.open, true), value: js, js };
    const hasProps = state.tag !== null || state.anchor !== null;
    if (!hasProps) this.bare.add(node);
    else if (this.opens.length === 0) this.rootEmptyWithProps = true;
    // Only a tag or anchor on the same line as the key or dash is where `yaml` puts the node.
    else if (!isProp(this.text.charCodeAt(this.skipBlanks(frame.open))) || isProp(this.text.charCodeAt(this.contentStart(node.start - this.base, false)))) {
      throw DECLINE;
    }
    return node;
  }

  private map(frame: Kids, js: unknown): YMap {
    const { mark } = frame;
    let n = frame.count;
    // A mapping ends when js-yaml fails to read one more key: an empty node.
    if (n % 2 === 1 && this.bare.has(this.done[mark + n - 1])) n--;
    if (n % 2 === 1) throw DECLINE;
    const pairs: YPair[] = new Array(n / 2);
    for (let i = 0; i < n; i += 2) {
      const key = this.done[mark + i];
      // Explicit `? key` entries, and keys that are collections, aliases or null.
      if (key.kind !== 'scalar' || key.value === null || this.before(this.doneOpens[mark + i], false) === 63 /* ? */) throw DECLINE;
      if (this.before(this.doneOpens[mark + i + 1], true) !== 58 /* : */) throw DECLINE;
      if (this.mergeTagged.has(key)) {
        // As the reference parser has it; the loader only looks at `merge`.
        key.value = Symbol('<<');
        key.merge = true;
      }
      pairs[i / 2] = { key, value: this.done[mark + i + 1] };
    }
    checkMap(pairs, js);
    return { kind: 'map', start: this.base + this.contentStart(frame.open), pairs, js };
  }

  private seq(frame: Kids, js: unknown): YSeq {
    const items = this.done.slice(frame.mark, frame.mark + frame.count);
    const arr = js as unknown[];
    // Empty entries (`- ` alone) and `[a: b]` pairs have no node of their own here.
    if (!Array.isArray(arr) || arr.length !== items.length) throw DECLINE;
    for (let i = 0; i < items.length; i++) if (!Object.is(items[i].js, arr[i])) throw DECLINE;
    return { kind: 'seq', start: this.base + this.contentStart(frame.open), items, js };
  }

  /** Past blanks, line breaks, comments, tags and anchors: where `yaml` puts a node. */
  private contentStart(p: number, props = true): number {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(p);
      if (isGap(c)) p++;
      else if (c === 35 /* # */ && (p === 0 || isGap(t.charCodeAt(p - 1)))) {
        const nl = t.indexOf('\n', p);
        p = nl === -1 ? t.length : nl;
      } else if (props && isProp(c)) p = this.propEnd(p);
      else return p;
    }
  }

  /** Past spaces (and, for an empty node, its tag and anchor) on the same line. */
  private skipBlanks(p: number, props = false): number {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === SP || c === TAB) p++;
      else if (props && isProp(c)) p = this.propEnd(p);
      else return p;
    }
  }

  private propEnd(p: number): number {
    const t = this.text;
    const anchor = t.charCodeAt(p) === 38;
    if (!anchor && t.charCodeAt(p + 1) === 60 /* < */) {
      const close = t.indexOf('>', p);
      return close === -1 ? t.length : close + 1;
    }
    p++;
    while (p < t.length) {
      const c = t.charCodeAt(p);
      if (isGap(c) || (anchor && isFlowIndicator(c))) break;
      p++;
    }
    return p;
  }

  /** The character before `p`, skipping spaces (and line breaks if `lines`). */
  private before(p: number, lines: boolean): number {
    const t = this.text;
    while (p > 0) {
      const c = t.charCodeAt(p - 1);
      if (c === SP || c === TAB || (lines && (c === LF || c === CR))) p--;
      else return c;
    }
    return -1;
  }
}
