import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inert } from '../../src/text/index.js';

test('CSI sequences such as colours and screen clears are removed', () => {
  assert.equal(inert('\x1b[31mred\x1b[0m and \x1b[2J\x1b[1;1Hhome'), 'red and home');
  assert.equal(inert('\x1b[?25l hidden cursor'), ' hidden cursor');
});

test('the 8-bit CSI introducer is removed with its sequence', () => {
  assert.equal(inert('a\x9b2Jb'), 'ab');
});

test('OSC sequences ended by BEL or ST are removed whole, title text included', () => {
  assert.equal(inert('x\x1b]0;owned\x07y'), 'xy');
  assert.equal(inert('x\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\y'), 'xlinky');
});

test('an unterminated OSC is cut at the end of its line and hides nothing after it', () => {
  assert.equal(inert('ok\x1b]2;title never ends'), 'ok');
  assert.equal(inert('ok\x1b]2;title\nnext line'), 'ok\nnext line');
});

test('8-bit string introducers are shown escaped instead of eating text', () => {
  assert.equal(inert('a\x9dtext'), 'a\\x9dtext');
});

test('a lone BEL, backspaces and other controls become visible escapes', () => {
  assert.equal(inert('ding\x07'), 'ding\\x07');
  assert.equal(inert('pass\b\b\b\bword'), 'pass\\x08\\x08\\x08\\x08word');
  assert.equal(inert('nul\x00 del\x7f c1\x85'), 'nul\\x00 del\\x7f c1\\x85');
});

test('a lone ESC is shown, not silently dropped', () => {
  assert.equal(inert('end\x1b'), 'end\\x1b');
});

test('newlines and tabs are kept and carriage returns cannot overwrite a line', () => {
  assert.equal(inert('a\tb\nc'), 'a\tb\nc');
  assert.equal(inert('line\r\n10%\r20%'), 'line\n10%\n20%');
});

test('ordinary text, including non-ASCII, passes unchanged', () => {
  const s = 'ok: [web1] => {"msg": "déployé ✓ 完成"}';
  assert.equal(inert(s), s);
});
