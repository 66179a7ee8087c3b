import { test } from 'node:test';
import assert from 'node:assert/strict';
import { banner, filled, profileRow, recapLine, runTook, wallClock } from '../../src/text/index.js';
import { pyJson } from '../../src/reporters/pyjson.js';
import { emptyStats } from '../../src/model/index.js';

test('banners are 80 characters with the message and stars', () => {
  assert.equal(banner('PLAY RECAP'), `PLAY RECAP ${'*'.repeat(69)}`);
  assert.equal(banner('  TASK [x]  '), `TASK [x] ${'*'.repeat(71)}`);
});

test('filled lines end with a space the way profile_tasks prints them', () => {
  assert.equal(filled('', '='), `${'='.repeat(79)} `);
  assert.equal(filled('abc'), `abc ${'*'.repeat(75)} `);
  assert.equal(filled('x'.repeat(100)), `${'x'.repeat(100)} *** `);
});

test('profile rows pad the name with dashes to column 70 and the time to 9', () => {
  assert.equal(
    profileRow('local_preparation_configuration | Populate template', 23.37),
    'local_preparation_configuration | Populate template -------------------- 23.37s',
  );
  assert.equal(profileRow('total', 1234.5).length, 79);
});

test('the recap line pads the host to 26 and each count to 4', () => {
  const s = { ...emptyStats(), ok: 19, changed: 11, skipped: 4, rescued: 1, ignored: 2 };
  assert.equal(
    recapLine('testhost', s, false),
    'testhost                   : ok=19   changed=11   unreachable=0    failed=0    skipped=4    rescued=1    ignored=2   ',
  );
  assert.match(recapLine('h'.repeat(30), s, false), /^h{30} : ok=19 /);
});

test('the run time is split into days, hours, minutes and seconds', () => {
  assert.equal(runTook(133_900), 'Playbook run took 0 days, 0 hours, 2 minutes, 13 seconds');
  assert.equal(runTook(90_061_000), 'Playbook run took 1 days, 1 hours, 1 minutes, 1 seconds');
});

test('the wall clock follows strftime in the given zone, half-hour offsets included', () => {
  const t = new Date(Date.UTC(2015, 11, 9, 9, 51, 53));
  assert.equal(wallClock(t, 'Europe/Helsinki'), 'Wednesday 09 December 2015  11:51:53 +0200');
  assert.equal(wallClock(t, 'UTC'), 'Wednesday 09 December 2015  09:51:53 +0000');
  assert.equal(wallClock(t, 'America/St_Johns'), 'Wednesday 09 December 2015  06:21:53 -0330');
  assert.equal(wallClock(new Date(Date.UTC(2017, 5, 11, 23, 50, 53)), 'Asia/Kathmandu'), 'Monday 12 June 2017  05:35:53 +0545');
});

test('without a zone the wall clock is the process zone, read without Intl as Intl would read it', () => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  for (const t of [new Date(Date.UTC(2015, 11, 9, 9, 51, 53)), new Date(Date.UTC(2024, 6, 1, 0, 0, 1)), new Date(Date.UTC(2026, 0, 1, 23, 59, 59))]) {
    assert.equal(wallClock(t), wallClock(t, zone));
  }
});

test('results are printed as Python json.dumps with sorted keys', () => {
  assert.equal(pyJson({ msg: 'x', changed: false, rc: 1, cmd: ['a', 'b'], e: {} }), '{"changed": false, "cmd": ["a", "b"], "e": {}, "msg": "x", "rc": 1}');
  assert.equal(pyJson({ b: [1, { z: null, a: true }], a: 'é"' }, 4), '{\n    "a": "é\\"",\n    "b": [\n        1,\n        {\n            "a": true,\n            "z": null\n        }\n    ]\n}');
  assert.equal(pyJson({ skip: undefined, s: '\x1b' }), '{"s": "\\u001b"}');
});
