/** Checksums of controller-side content, in the algorithm the target's tools used, to compare without sending the content. */
import { createHash } from 'node:crypto';

export type ChecksumAlgorithm = 'sha1' | 'cksum' | 'md5' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

/** Checksum of local content in the algorithm the target used, to compare with `FileState.checksum`. */
export function checksumOf(content: Buffer, algorithm: ChecksumAlgorithm = 'sha1'): string {
  return algorithm === 'cksum' ? `${posixCksum(content)} ${content.length}` : createHash(algorithm).update(content).digest('hex');
}

/** md5 hex, as ansible-core's `md5sum` result key. */
export function md5Of(content: Buffer): string {
  return createHash('md5').update(content).digest('hex');
}

let CRC_TABLE: Uint32Array | undefined;

/** POSIX `cksum`'s CRC (polynomial 0x04C11DB7, length appended, complemented). */
export function posixCksum(data: Buffer): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i << 24;
      for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
      CRC_TABLE[i] = c >>> 0;
    }
  }
  let crc = 0;
  const step = (byte: number) => (crc = ((crc << 8) ^ CRC_TABLE![((crc >>> 24) ^ byte) & 0xff]) >>> 0);
  for (const b of data) step(b);
  for (let n = data.length; n > 0; n = Math.floor(n / 256)) step(n & 0xff);
  return ~crc >>> 0;
}
