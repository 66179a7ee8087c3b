import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordScanner } from '../../src/transport/shell-records.js';

const P = '\x1ePWabc';

test('records are found however the stream is cut, and every other byte passes through in order', () => {
  const stream = Buffer.concat([Buffer.from([0, 0x1e, 0xff]), Buffer.from(`x\x1ePWab${P}:7\nmore\x1eP${P}.\ntail\x1e`)]);
  for (let size = 1; size <= stream.length; size++) {
    const sc = new RecordScanner(P);
    const bytes: Buffer[] = [];
    const records: string[] = [];
    for (let i = 0; i < stream.length; i += size) {
      for (const p of sc.push(stream.subarray(i, i + size))) {
        if ('bytes' in p) bytes.push(p.bytes);
        else records.push(`${p.record.type}${p.record.payload}`);
      }
    }
    bytes.push(sc.flush());
    assert.deepEqual(records, [':7', '.'], `chunks of ${size}`);
    assert.deepEqual(Buffer.concat(bytes), Buffer.concat([Buffer.from([0, 0x1e, 0xff]), Buffer.from('x\x1ePWabmore\x1ePtail\x1e')]), `chunks of ${size}`);
  }
});

test('a tail is held back only while it can still become a record', () => {
  const sc = new RecordScanner(P);
  assert.deepEqual(sc.push(Buffer.from('plain text')), [{ bytes: Buffer.from('plain text') }]);
  assert.deepEqual(sc.push(Buffer.from('ab\x1ePW')), [{ bytes: Buffer.from('ab') }]);
  assert.deepEqual(sc.push(Buffer.from('x')), [{ bytes: Buffer.from('\x1ePWx') }]);
});
