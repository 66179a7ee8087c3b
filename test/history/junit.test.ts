/**
 * `--junit` as a CI job reads it: the report of a real `playwatch run` on a
 * fixture with every outcome (ok, changed, failed, rescued, ignored,
 * skipped, an unreachable host) is checked by libxml2's schema validator
 * against our JUnit schema (test/helpers/junit.xsd), and lists every task
 * and host the run recorded.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadRun } from '../../src/history/load.js';
import { FIXTURES } from '../contract/views.js';
import { makeProject } from '../helpers/run.js';
import { junitSchemaErrors } from '../helpers/junit-xsd.js';
import { junitViolations, parseXml, type XmlElement } from '../helpers/junit-schema.js';
import { playwatch, read, runDirOf, type Ran } from './cli.js';

let project = '';
let ran: Ran;
let xml = '';

before(() => {
  project = makeProject({});
  fs.cpSync(FIXTURES, project, { recursive: true });
  ran = playwatch(project, ['run', 'recap.yml', '-i', 'inventory.ini', '--junit', 'reports/junit.xml']);
  xml = read(path.join(project, 'reports/junit.xml'));
});

const casesOf = (root: XmlElement) => root.children.flatMap((s) => s.children.filter((c) => c.name === 'testcase'));
const outcomeOf = (c: XmlElement) => c.children[0]?.name ?? 'passed';

test('the report of a run with ok, changed, failed, skipped and unreachable hosts validates against the JUnit schema', async () => {
  // 4: a host was unreachable (and another failed).
  assert.equal(ran.code, 4, ran.err);
  assert.deepEqual(await junitSchemaErrors(xml), []);
  // What XSD 1.0 cannot say: the counts add up.
  assert.deepEqual(junitViolations(parseXml(xml)), []);
});

test('the report lists every task and host the run recorded, once, with its outcome', () => {
  const events = loadRun(runDirOf(project, ran)).events;
  // Each host's final (non-item) result of each task.
  const recorded = new Set<string>();
  for (const e of events) {
    const final = e.type === 'host.unreachable' || ((e.type === 'host.ok' || e.type === 'host.failed' || e.type === 'host.skipped') && e.item === undefined);
    if (final) recorded.add(`${e.host} ${e.task.id}`);
  }
  const cases = casesOf(parseXml(xml));
  assert.equal(cases.length, recorded.size);
  assert.deepEqual(new Set(cases.map((c) => c.attrs.classname)), new Set(['h1', 'h2', 'h3', 'dead']));
  const rows: Array<[host: string, task: string, outcome: string, why: string]> = [
    ['h1', 'second contact', 'passed', 'changed'],
    ['h1', 'skipped on h2', 'passed', 'ok (debug)'],
    ['h2', 'skipped on h2', 'skipped', 'when: false'],
    ['h3', 'rescue breaks on h3', 'failure', 'failed'],
    ['h1', 'breaks on h1 and h3', 'passed', 'rescued'],
    ['h1', 'ignored failure on h1', 'passed', 'ignore_errors'],
    ['dead', 'first contact', 'passed', 'ignore_unreachable'],
    ['dead', 'second contact', 'error', 'unreachable'],
  ];
  for (const [host, task, outcome, why] of rows) {
    const c = cases.find((x) => x.attrs.classname === host && x.attrs.name === task);
    assert.equal(c && outcomeOf(c), outcome, `${host} ${task} (${why})`);
  }
  const error = cases.find((c) => outcomeOf(c) === 'error')!.children[0]!;
  assert.equal(error.attrs.type, 'unreachable');
  assert.ok(error.attrs.message!.length > 0 && error.text.includes(error.attrs.message!), error.text);
});

// A valid document the rows below break one rule at a time.
const GOOD = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="playwatch site.yml" tests="2" failures="1" errors="0" skipped="0" time="0.300">
  <testsuite name="web1" package="site.yml" id="0" hostname="ci" timestamp="2026-12-03T10:00:00" tests="2" failures="1" errors="0" skipped="0" time="0.300">
    <properties>
      <property name="playbook" value="site.yml"/>
    </properties>
    <testcase name="quick" classname="web1" time="0.100"/>
    <testcase name="fails" classname="web1" time="0.200">
      <failure message="non-zero return code (rc=1)" type="failed">msg: non-zero return code</failure>
    </testcase>
    <system-out/>
    <system-err/>
  </testsuite>
</testsuites>
`;

test('a broken JUnit document fails validation, and the message says where and why', async () => {
  assert.deepEqual(await junitSchemaErrors(GOOD), []);
  const rows: Array<[what: string, from: string, to: string, message: RegExp]> = [
    ['a test case without classname', ' classname="web1" time="0.100"', ' time="0.100"', /^line 7: .*'testcase': The attribute 'classname' is required/],
    ['a time that is not seconds', 'time="0.100"', 'time="fast"', /^line 7: .*attribute 'time': 'fast' is not a valid value/],
    ['a negative count', 'tests="2" failures="1" errors="0" skipped="0" time="0.300">\n    <properties>', 'tests="-2" failures="1" errors="0" skipped="0" time="0.300">\n    <properties>', /^line 3: .*attribute 'tests': '-2'/],
    ['a time stamp with a zone', '2026-12-03T10:00:00', '2026-12-03T10:00:00Z', /^line 3: .*'timestamp'.*not accepted by the pattern/],
    ['a failure without type', ' type="failed"', '', /^line 9: .*'failure': The attribute 'type' is required/],
    ['two outcomes in one case', '</failure>', '</failure><skipped/>', /^line 9: .*'skipped': This element is not expected/],
    ['a case after system-out', '<system-err/>', '<testcase name="late" classname="web1" time="0"/><system-err/>', /^line 12: .*'testcase': This element is not expected/],
    ['the same test twice in a suite', 'name="fails"', 'name="quick"', /^line 8: .*Duplicate key-sequence \['web1', 'quick'\]/],
    ['a suite without properties', /* the whole block */ '<properties>\n      <property name="playbook" value="site.yml"/>\n    </properties>\n', '', /'testcase': This element is not expected. Expected is \( properties \)/],
    ['a root other than testsuites', 'testsuites', 'results', /^line 2: .*'results': No matching global declaration/],
    ['not well-formed XML', 'msg: non-zero', 'msg: a & b', /^line 9: parser error/],
  ];
  for (const [what, from, to, message] of rows) {
    const broken = GOOD.replaceAll(from, to);
    assert.notEqual(broken, GOOD, `${what}: the row changes nothing`);
    const errors = await junitSchemaErrors(broken);
    assert.ok(errors.length > 0, `${what}: validated`);
    assert.match(errors[0]!, message, `${what}:\n${errors.join('\n')}`);
  }
});
