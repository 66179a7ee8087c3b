/**
 * ansible-vault's AES256 payload (ansible-core's `VaultAES256`): keys from
 * PBKDF2-HMAC-SHA256 (10,000 iterations, a 32-byte salt) give an AES-256-CTR
 * key, an HMAC-SHA256 key and the counter's start; the plaintext is PKCS#7
 * padded, and the payload is hex(hex(salt) \n hex(hmac) \n hex(ciphertext)).
 */
import crypto from 'node:crypto';

const ITERATIONS = 10_000;
const KEY_LENGTH = 32;
const IV_LENGTH = 16;
const BLOCK = 16;

/** Why a payload did not open: `damaged` (not a payload: cut short, edited) or `hmac` (wrong password, or altered data). */
export type OpenFailure = { why: 'damaged' | 'hmac'; detail: string };

interface Keys {
  cipherKey: Buffer;
  hmacKey: Buffer;
  iv: Buffer;
}

function deriveKeys(password: Buffer, salt: Buffer): Keys {
  const k = crypto.pbkdf2Sync(password, salt, ITERATIONS, 2 * KEY_LENGTH + IV_LENGTH, 'sha256');
  return { cipherKey: k.subarray(0, KEY_LENGTH), hmacKey: k.subarray(KEY_LENGTH, 2 * KEY_LENGTH), iv: k.subarray(2 * KEY_LENGTH) };
}

/** The hex payload of `plaintext` under `password` (a fresh random salt unless one is given). */
export function encryptPayload(plaintext: Buffer, password: Buffer, salt: Buffer = crypto.randomBytes(32)): string {
  const { cipherKey, hmacKey, iv } = deriveKeys(password, salt);
  const pad = BLOCK - (plaintext.length % BLOCK);
  const padded = Buffer.concat([plaintext, Buffer.alloc(pad, pad)]);
  const c = crypto.createCipheriv('aes-256-ctr', cipherKey, iv);
  const ciphertext = Buffer.concat([c.update(padded), c.final()]);
  const hmac = crypto.createHmac('sha256', hmacKey).update(ciphertext).digest('hex');
  const inner = [salt.toString('hex'), hmac, ciphertext.toString('hex')].join('\n');
  return Buffer.from(inner, 'ascii').toString('hex');
}

/** The plaintext of a hex payload, or why it did not open. */
export function decryptPayload(body: string, password: Buffer): Buffer | OpenFailure {
  const parts = splitPayload(body);
  if ('why' in parts) return parts;
  const { salt, hmac, ciphertext } = parts;
  const { cipherKey, hmacKey, iv } = deriveKeys(password, salt);
  const expected = crypto.createHmac('sha256', hmacKey).update(ciphertext).digest();
  if (!crypto.timingSafeEqual(expected, hmac)) return { why: 'hmac', detail: 'the HMAC does not match' };
  const d = crypto.createDecipheriv('aes-256-ctr', cipherKey, iv);
  const padded = Buffer.concat([d.update(ciphertext), d.final()]);
  const pad = padded[padded.length - 1];
  if (pad < 1 || pad > BLOCK || padded.subarray(padded.length - pad).some((b) => b !== pad)) {
    return { why: 'damaged', detail: 'the padding of the decrypted data is wrong' };
  }
  return padded.subarray(0, padded.length - pad);
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** Salt, HMAC and ciphertext out of the payload, checking each is whole. */
function splitPayload(body: string): { salt: Buffer; hmac: Buffer; ciphertext: Buffer } | OpenFailure {
  if (body === '') return { why: 'damaged', detail: 'there is no encrypted data after the header' };
  if (!HEX.test(body)) return { why: 'damaged', detail: body.length % 2 ? 'the hex data has an odd length (cut short?)' : 'the data is not hex' };
  const inner = Buffer.from(body, 'hex').toString('latin1').split('\n');
  if (inner.length !== 3) return { why: 'damaged', detail: `expected salt, HMAC and ciphertext, found ${inner.length} part(s) (cut short?)` };
  const [salt, hmac, ciphertext] = inner;
  if (!HEX.test(salt) || salt.length === 0) return { why: 'damaged', detail: 'the salt is not hex' };
  if (!/^[0-9a-fA-F]{64}$/.test(hmac)) return { why: 'damaged', detail: 'the HMAC is not 32 bytes of hex' };
  if (!HEX.test(ciphertext)) return { why: 'damaged', detail: ciphertext.length % 2 ? 'the ciphertext has an odd length (cut short?)' : 'the ciphertext is not hex' };
  if (ciphertext.length === 0 || (ciphertext.length / 2) % BLOCK !== 0) {
    return { why: 'damaged', detail: `the ciphertext is ${ciphertext.length / 2} bytes, not whole blocks of ${BLOCK} (cut short?)` };
  }
  return { salt: Buffer.from(salt, 'hex'), hmac: Buffer.from(hmac, 'hex'), ciphertext: Buffer.from(ciphertext, 'hex') };
}
