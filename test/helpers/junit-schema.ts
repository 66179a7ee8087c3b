/**
 * A small XML reader, and the rules of a JUnit report that no XML Schema
 * 1.0 can state. The schema itself (junit.xsd, validated by libxml2 in
 * junit-xsd.ts) says what elements, attributes and types CI readers take;
 * `junitViolations` adds what XSD cannot count: a suite's tests, failures
 * and errors match its cases, and a case has one outcome. The reader
 * rejects what is not well-formed XML 1.0 (bad nesting, unescaped `<` or
 * `&`, unknown entities, duplicate attributes, forbidden characters), so
 * tests can read a report's content.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][\w.:-]*/;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(raw: string, where: string): string {
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f]/.test(raw)) throw new Error(`${where}: a character XML 1.0 forbids`);
  if (raw.includes('<')) throw new Error(`${where}: an unescaped <`);
  return raw.replace(/&([^;]*);|&/g, (m, ent: string | undefined) => {
    if (ent === undefined) throw new Error(`${where}: a bare &`);
    if (ENTITIES[ent]) return ENTITIES[ent]!;
    const num = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(ent);
    if (!num) throw new Error(`${where}: unknown entity &${ent};`);
    return String.fromCodePoint(num[1]!.startsWith('x') ? parseInt(num[1]!.slice(1), 16) : parseInt(num[1]!, 10));
  });
}

/** Parses a whole document (one root element after an optional declaration); throws on anything not well-formed. */
export function parseXml(doc: string): XmlElement {
  let i = 0;
  const skipWs = () => {
    while (i < doc.length && /\s/.test(doc[i]!)) i++;
  };
  if (doc.startsWith('<?xml')) {
    const end = doc.indexOf('?>');
    if (end < 0 || !/^<\?xml version="1\.0"( encoding="UTF-8")?\?>$/.test(doc.slice(0, end + 2))) throw new Error('bad XML declaration');
    i = end + 2;
  }
  const element = (): XmlElement => {
    if (doc[i] !== '<') throw new Error(`expected < at ${i}`);
    i++;
    const name = NAME.exec(doc.slice(i))?.[0];
    if (!name) throw new Error(`bad element name at ${i}`);
    i += name.length;
    const el: XmlElement = { name, attrs: {}, children: [], text: '' };
    for (;;) {
      skipWs();
      if (doc.startsWith('/>', i)) return (i += 2), el;
      if (doc[i] === '>') {
        i++;
        break;
      }
      const an = NAME.exec(doc.slice(i))?.[0];
      if (!an) throw new Error(`bad attribute in <${name}> at ${i}`);
      i += an.length;
      if (doc[i] !== '=' || doc[i + 1] !== '"') throw new Error(`attribute ${an} of <${name}> not ="…"`);
      const close = doc.indexOf('"', i + 2);
      if (an in el.attrs) throw new Error(`<${name}> has ${an} twice`);
      el.attrs[an] = decode(doc.slice(i + 2, close), `<${name} ${an}>`);
      i = close + 1;
    }
    for (;;) {
      const lt = doc.indexOf('<', i);
      if (lt < 0) throw new Error(`<${name}> is never closed`);
      el.text += decode(doc.slice(i, lt), `text of <${name}>`);
      i = lt;
      if (doc.startsWith('</', i)) {
        const end = doc.indexOf('>', i);
        if (doc.slice(i + 2, end).trim() !== name) throw new Error(`<${name}> closed by ${doc.slice(i, end + 1)}`);
        i = end + 1;
        return el;
      }
      el.children.push(element());
    }
  };
  skipWs();
  const root = element();
  skipWs();
  if (i !== doc.length) throw new Error('content after the root element');
  return root;
}

const NUMBER = /^\d+(\.\d+)?$/;
const COUNT = /^\d+$/;
/** Ant's JUnit.xsd: ISO8601_DATETIME_PATTERN, no time zone. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

/** Every rule the JUnit XSDs above require that a report can break; returns the violations (none: valid). */
export function junitViolations(root: XmlElement): string[] {
  const bad: string[] = [];
  const need = (el: XmlElement, attr: string, re?: RegExp) => {
    const v = el.attrs[attr];
    if (v === undefined) bad.push(`<${el.name}> lacks ${attr}`);
    else if (re && !re.test(v)) bad.push(`<${el.name} ${attr}="${v}"> is not of the right form`);
  };
  if (root.name !== 'testsuites') bad.push(`the root is <${root.name}>, not <testsuites>`);
  for (const suite of root.children) {
    if (suite.name !== 'testsuite') {
      bad.push(`<testsuites> holds <${suite.name}>`);
      continue;
    }
    for (const a of ['name', 'hostname', 'package']) need(suite, a);
    need(suite, 'timestamp', TIMESTAMP);
    need(suite, 'id', COUNT);
    for (const a of ['tests', 'failures', 'errors']) need(suite, a, COUNT);
    if (suite.attrs.skipped !== undefined) need(suite, 'skipped', COUNT);
    need(suite, 'time', NUMBER);
    const names = suite.children.map((c) => c.name);
    // Ant's sequence: properties, testcase*, system-out, system-err.
    const order = names.join(',');
    if (!/^properties(,testcase)*,system-out,system-err$/.test(order)) bad.push(`<testsuite ${suite.attrs.name}> children out of the schema's order: ${order}`);
    for (const p of suite.children.find((c) => c.name === 'properties')?.children ?? []) {
      if (p.name !== 'property') bad.push(`<properties> holds <${p.name}>`);
      need(p, 'name');
      need(p, 'value');
    }
    const cases = suite.children.filter((c) => c.name === 'testcase');
    const count = (kind: string) => cases.filter((c) => c.children.some((x) => x.name === kind)).length;
    if (Number(suite.attrs.tests) !== cases.length) bad.push(`<testsuite ${suite.attrs.name}> tests=${suite.attrs.tests} but ${cases.length} cases`);
    if (Number(suite.attrs.failures) !== count('failure')) bad.push(`<testsuite ${suite.attrs.name}> failures=${suite.attrs.failures} but ${count('failure')}`);
    if (Number(suite.attrs.errors) !== count('error')) bad.push(`<testsuite ${suite.attrs.name}> errors=${suite.attrs.errors} but ${count('error')}`);
    for (const c of cases) {
      need(c, 'name');
      need(c, 'classname');
      need(c, 'time', NUMBER);
      if (c.children.length > 1) bad.push(`<testcase ${c.attrs.name}> has ${c.children.length} outcomes`);
      for (const o of c.children) {
        if (!['failure', 'error', 'skipped'].includes(o.name)) bad.push(`<testcase> holds <${o.name}>`);
        if (o.name !== 'skipped') need(o, 'type');
      }
    }
  }
  return bad;
}
