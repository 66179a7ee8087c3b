/**
 * The fast YAML path (js-yaml) against the reference one (the `yaml` package):
 * same tree, same positions, same values, for every file it accepts.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { entries, kindOf, toValue, type Source, type YNode } from '../../src/playbook/source.js';
import { parseFast } from '../../src/playbook/yaml/fast.js';
import { LineIndex } from '../../src/playbook/yaml/lines.js';
import { parseSlow } from '../../src/playbook/yaml/slow.js';

function sources(text: string): { fast: Source; slow: Source } {
  const where = { abs: '/x.yml', file: 'x.yml', dir: '/' };
  const slow = parseSlow(text);
  assert.equal(slow.error, undefined, `reference parser failed: ${slow.error?.message}`);
  const lines = new LineIndex(text);
  return {
    fast: { ...where, root: parseFast(text), linePos: (o) => lines.linePos(o) },
    slow: { ...where, root: slow.root, doc: slow.doc, linePos: (o) => slow.lines.linePos(o) },
  };
}

/** Every node of both trees, in step: kind, position, value, keys, kind text. */
function compare(text: string): void {
  const { fast, slow } = sources(text);
  const seen = new Set<YNode>();
  const walk = (a: YNode | null, b: YNode | null, at: string): void => {
    const where = `${JSON.stringify(text.slice(0, 60))} at ${at}`;
    assert.equal(a?.kind ?? null, b?.kind ?? null, `kind ${where}`);
    if (!a || !b) return;
    const pa = fast.linePos(a.start);
    const pb = slow.linePos(b.start);
    assert.deepEqual(pa, pb, `position ${where}`);
    assert.equal(kindOf(a), kindOf(b), `kindOf ${where}`);
    if (!(a.kind === 'scalar' && a.merge)) assert.deepEqual(toValue(fast, a), toValue(slow, b), `value ${where}`);
    if (seen.has(a)) return;
    seen.add(a);
    if (a.kind === 'scalar' && b.kind === 'scalar') {
      assert.equal(Boolean(a.merge), Boolean(b.merge), `merge ${where}`);
      // Each `<<` is a fresh Symbol in both trees.
      if (!a.merge) assert.ok(Object.is(a.value, b.value), `scalar ${where}: ${String(a.value)} vs ${String(b.value)}`);
    }
    if (a.kind === 'alias' && b.kind === 'alias') walk(a.target, b.target, `${at}/*`);
    if (a.kind === 'seq' && b.kind === 'seq') {
      assert.equal(a.items.length, b.items.length, `items ${where}`);
      a.items.forEach((x, i) => walk(x, b.items[i], `${at}/${i}`));
    }
    if (a.kind === 'map' && b.kind === 'map') {
      assert.equal(a.pairs.length, b.pairs.length, `pairs ${where}`);
      const ea = entries(fast, a);
      const eb = entries(slow, b);
      assert.deepEqual(ea.map((e) => e.key), eb.map((e) => e.key), `keys ${where}`);
      a.pairs.forEach((p, i) => {
        walk(p.key, b.pairs[i].key, `${at}/key${i}`);
        walk(p.value, b.pairs[i].value, `${at}/${String((p.key as { value?: unknown }).value)}`);
      });
    }
  };
  walk(fast.root, slow.root, '');
  assert.deepEqual(toValue(fast, fast.root), toValue(slow, slow.root));
}

/** Whether the fast path takes the text (rather than leaving it to the fallback). */
function fastTakes(text: string): boolean {
  try {
    parseFast(text);
    return true;
  } catch {
    return false;
  }
}

const SNIPPETS = [
  '',
  '---\n',
  '--- # start\n',
  '# only a comment\n\n',
  '...\n',
  '# c\n...\n',
  '---\n...\n',
  '|-\n  indented\n',
  'a:\nb: 1\n',
  'a:   \n  \nb: 1\n',
  'a: # note\nb: 1\n',
  'a: &x\nb: *x\n',
  'a: !!str\nb: !!str 5\nc: !!map\n  x: 1\nd: !!seq\n  - 1\n',
  'a: |\n  t\n  u\nb: >-\n  f\n  g\n\n  h\nc: |+\n  keep\n\nd: x\n',
  'a: "multi\n  line"\nb: \'it\'\'s\'\nc: plain\n  folded\n',
  'a: {b: 1, c: [1, 2], d: {e: f}}\n',
  'a: # c\n  b: 1\n',
  'k: &a\n  x: 1\nj: *a\n',
  '- a: 1\n  b: 2\n- [x, y]\n- {z: 1}\n- plain\n- "quoted"\n- &s anchored\n- *s\n',
  'x: 1\nx: 2\ny: [a, b, ]\n',
  'a: 0644\nb: 1:20\nc: 1_000\nd: 0x1F\ne: 0b11\nf: .5\ng: 1e3\nh: .NaN\ni: -.inf\nj: 2001-01-01\n',
  'k: y\nl: On\nm: ~\nn: Null\no: +12\np: 0o17\nq: 1.5e+3\nr: 190:20:30.15\ns: 0.\nt: 08\nu: -0\nv: 1__0\n',
  'w: 0x_1\nx: 1,000\ny: TRUE\nz: tRue\naa: yes\nab: NO\nac: off\nad: n\nae: Y\naf: 2001-12-14t21:59:43.10-05:00\n',
  'yes: 1\n0644: 2\n1.5: 3\nfalse: 4\n',
  'a: !unsafe 5\nb: !unsafe "{{ x }}"\nc: !unsafe [a, 1]\nd: !foo {x: 1}\ne: !vault |\n  $ANS\nf: !unsafe\n',
  'base: &b {x: 1, y: 2}\nother: &o {y: 5, w: 0}\nm:\n  <<: *b\n  y: 3\n  z: 4\nn:\n  k: 0\n  <<: [*b, *o]\n  x: 9\n',
  'a: {<<: {x: 1}, y: 2}\n',
  'a: <<\nb: [<<]\n"<<": quoted\n',
  '\ufeffa: 1\nb:\n  - c\n',
  'a: 1\r\nb:\r\n  - 2\r\n  - x: 3\r\n',
  'tasks:\n- name: one\n  shell: echo hi\n  when: x\n- name: two\n  block:\n  - debug: msg=x\n  rescue:\n  - debug: msg=y\n',
  '- hosts: all\n  roles:\n    - { role: r1, tags: [\'a\'] }\n    - role: r2\n      vars: {x: 1}\n',
  'a: "x: y"\nb: \'# not a comment\'\nc: x #comment\nd: "a\\tb\\u00e9"\n',
  'list:\n  - - nested\n    - seq\n  - - second\n',
  'a:\n- x\n- y\nb: [1, "2", 3.0]\n',
  'a: 1\n...\n',
  'key  : spaced\nk2:\tv\n',
  '- # comment first\n  k: v\n-   wide: 1\n    more: 2\n- - - deep\n',
  '- &m\n  k: v\n- *m\n- &s\n  - 1\n- !!map\n  k: v\n',
  'a: &a !!map\n  k: v\nb: &b !unsafe\n  - x\n',
  'f: [a,\n  b, {c: d,\n  e: f}]\ng: {\n  x: 1 }\n',
  'p: plain text\n  continues here\n\n  and a new paragraph\nq: 2\n',
  'a:\n  # lead comment\n  b: 1 # tail\n  # between\n  c: 2\n# end\n',
  'a: "x" # c\nb: \'y\' # c\nc: [1] # c\nd: {e: 1} # c\n',
  'a: 1   \nb:    \n  - x   \n',
  'a: [ ]\nb: { }\nc: []\nd: {}\n',
  'a: { b: [ { c: 1 }, [ 2, 3 ] ] }\n',
  '- { name: n, shell: "echo {{ x }}" }\n- [ a, "b", \'c\' ]\n',
  'url: http://x.y/z?q=1#frag\ntime: 12:30\nratio: 1:2:3\n',
  'anchors:\n  - &one 1\n  - &two two\n  - *one\n  - *two\nmap: {k: *one}\n',
  'x: !!str &a 5\ny: &b !!str 6\nz: [*a, *b]\n',
  'k: >\n  folded\n    more indented\n  back\nl: |\n    implicit indent\n',
  'l: |2\n    explicit indent\n',
  'a: "trailing  \n  blank"\n',
  'k: |-\n  strip\n\n\nl: >+\n  keep\n\n',
  'empty_in_flow: {a: , b: 1}\n',
  '"k\\"q": 1\n\'k\'\'s\': 2\n',
  '- a\n-\n  b: 1\n',
  'tasks:\n  - name: x\n    debug:\n      msg: "{{ a }}"\n    when:\n      - a\n      - b\n',
  'a: !!str 1:20\nb: ! 5\n',
  'key with spaces: v\n"quoted key": v\n\'single\': v\n? explicit\n: value\n',
  '- ? a\n  : b\n',
  'a: {x, y: 1}\n',
  '- \n- x\n',
  '[a: b, c]\n',
  '%YAML 1.1\n---\na: 1\n',
  '~: 1\n',
  '[a, b]: 1\n',
  'a: &r [1, *r]\n',
  'a: &x 1\nb: &x [2, *x]\n',
  'f: !unsafe\n  &a\ng: 1\n',
  'a: 1\rb: 2\n',
];

// Shapes the fast path leaves to the fallback parser (which then reads them as always).
const DECLINED = new Set([
  '|-\n  indented', 'l: |2', 'a: "trailing', '? explicit', '- ? a', 'a: {x, y', '- \n- x', '[a: b', '%YAML', '~: 1', '[a, b]: 1', 'a: &r [1', 'a: &x 1', 'f: !unsafe\n  &a', 'a: 1\rb',
]);

test('the fast path and the reference parser agree on tricky YAML', () => {
  const declined: string[] = [];
  for (const text of SNIPPETS) {
    if (fastTakes(text)) compare(text);
    else declined.push(text);
  }
  const expected = SNIPPETS.filter((t) => [...DECLINED].some((d) => t.startsWith(d) || t.includes('\n' + d)));
  assert.deepEqual(declined, expected);
});

test('the fast path takes ordinary playbook YAML and leaves rare shapes to the fallback', () => {
  const takes = (t: string) => [t, fastTakes(t)];
  assert.deepEqual(
    ['a: 1\n', '- name: x\n  shell: y\n', 'a: !unsafe "{{ x }}"\n', 'm:\n  <<: *b\n'.replace('*b', '{x: 1}')].map(takes).map((x) => x[1]),
    [true, true, true, true],
  );
  for (const t of ['- \n- x\n', '[a: b, c]\n', 'a: {x, y: 1}\n', '? a\n: b\n', '%YAML 1.1\n---\na: 1\n', '~: 1\n', '[a]: 1\n', 'a: !!int "5"\n', 'a: 1\n---\nb: 2\n', 'a: [\n']) {
    assert.equal(fastTakes(t), false, JSON.stringify(t));
  }
});

// YAML the reference parser refuses but js-yaml would read: the fast path
// must leave each to the fallback, so the error stays the reference one.
const REFUSED = [
  'a:\n\t- x\n',
  'a: "x"#c\n',
  'a: [x]#c\n',
  '[#x, 1]\n',
  'a: [x,\ny]\n',
  '- b: [x,\n  y]\n',
  'a: "x\ny"\n',
  '- b: "x\n  y"\n',
  'x: >\n   \n  b\ny: 1\n',
  `${'k'.repeat(1100)}: 1\n`,
  'a: "\\q"\n',
  'a: 1\n---\nb: 2\n',
  'a: [1, 2\n',
];

test('YAML the reference parser refuses is left to it, so its error stands', () => {
  for (const text of REFUSED) {
    assert.ok(parseSlow(text).error, `reference parser refuses ${JSON.stringify(text.slice(0, 40))}`);
    assert.equal(fastTakes(text), false, JSON.stringify(text.slice(0, 40)));
  }
});

test('every YAML fixture reads the same through the fast path', () => {
  const root = path.resolve(import.meta.dirname, '../../fixtures');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name)) files.push(p);
    }
  };
  walk(root);
  assert.ok(files.length > 10, 'fixtures found');
  let taken = 0;
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    if (text.startsWith('$ANSIBLE_VAULT;') || parseSlow(text).error) continue;
    if (fastTakes(text)) {
      taken++;
      compare(text);
    }
  }
  assert.ok(taken >= files.length * 0.9, `fast path took ${taken} of ${files.length}`);
});

// A small seeded generator, so the random test is the same on every run.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WORDS = [
  'name', 'yes', 'y', 'No', 'on', '0644', '1:20', '~', '', 'null', 'a: b', '# x', '- x', "it's", 'multi\nline',
  '  lead', 'trail ', '{{ item }}', '@at', '1e3', '.inf', '0x1F', '<<', 'true', 'héllo', 'tab\there', '"q"', 'x,y',
  'back\\slash', '--- doc', '...', 'a:b', 'key: "v"', '  two\n\n  paras  \n', 'emoji 🎉', '!tag', '&anc', '*ali', '%pct',
  'a long sentence that goes on and on so that a writer folds it across several lines of the output file, twice over '.repeat(2),
];
const shared: unknown[] = [];

function randomValue(r: () => number, depth: number): unknown {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const roll = r();
  // A value met again becomes an anchor and aliases in the writers' output.
  if (shared.length && roll < 0.05) return pick(shared);
  if (depth > 0 && roll < 0.25) {
    const out: Record<string, unknown> = {};
    for (let i = Math.floor(r() * 4); i >= 0; i--) out[pick(WORDS).replace(/\n/g, ' ') || 'k'] = randomValue(r, depth - 1);
    shared.push(out);
    return out;
  }
  if (depth > 0 && roll < 0.45) {
    const out = Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth - 1));
    shared.push(out);
    return out;
  }
  if (roll < 0.55) return Math.floor(r() * 2000) - 1000;
  if (roll < 0.6) return r() < 0.5;
  if (roll < 0.63) return null;
  if (roll < 0.66) return r() * 100;
  return pick(WORDS);
}

test('random documents in many styles read the same through both parsers', async () => {
  const YAML = await import('yaml');
  const jsyaml = await import('js-yaml');
  const r = rng(20251);
  let taken = 0;
  const total = 300;
  for (let i = 0; i < total; i++) {
    const value = randomValue(r, 4);
    const text =
      i % 2 === 0
        ? YAML.stringify(value, {
            version: '1.1',
            indentSeq: r() < 0.5,
            collectionStyle: (['any', 'block', 'flow'] as const)[i % 3],
            defaultStringType: (['PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'] as const)[Math.floor(r() * 5)],
          })
        : jsyaml.dump(value, { flowLevel: Math.floor(r() * 4) - 1, noArrayIndent: r() < 0.5, quotingType: r() < 0.5 ? '"' : "'" });
    // Comments at some line ends, where they cannot land inside a scalar.
    const commented = text.replace(/^(\s*- |\s*[\w]+:)$/gm, (m) => (r() < 0.5 ? `${m} # note` : m));
    for (const t of [text, commented]) {
      if (parseSlow(t).error) {
        assert.equal(fastTakes(t), false, `fast path reads what the reference refuses: ${JSON.stringify(t)}`);
        continue;
      }
      if (fastTakes(t)) {
        taken++;
        compare(t);
      }
    }
  }
  assert.ok(taken > total, `fast path took ${taken} of ${2 * total}`);
});
