import { createHash } from 'node:crypto';

/**
 * Azure's MurmurHash64 (Microsoft.WindowsAzure.ResourceStack's variant): two 32-bit MurmurHash3 lanes over 8-byte
 * blocks with seed 0, combined into 64 bits. Not MurmurHash64A: the constants and lane mixing differ. Verified
 * against uniqueString() values produced by Azure (see the tests).
 */
export function murmurHash64(data: Uint8Array): bigint {
  const c1 = 0x239b961b;
  const c2 = 0xab0e9789;
  const rotl = (x: number, r: number): number => ((x << r) | (x >>> (32 - r))) >>> 0;
  const mul = (a: number, b: number): number => Math.imul(a, b) >>> 0;
  const le32 = (i: number, n: number): number => {
    let v = 0;
    for (let j = 0; j < n; j++) v |= data[i + j] << (8 * j);
    return v >>> 0;
  };
  const fmix = (h: number): number => {
    h = mul(h ^ (h >>> 16), 0x85ebca6b);
    h = mul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
  };
  const length = data.length;
  let h1 = 0;
  let h2 = 0;
  let index = 0;
  for (; index + 7 < length; index += 8) {
    let k1 = le32(index, 4);
    let k2 = le32(index + 4, 4);
    k1 = mul(rotl(mul(k1, c1), 15), c2);
    h1 = (h1 ^ k1) >>> 0;
    h1 = (rotl(h1, 19) + h2) >>> 0;
    h1 = (mul(h1, 5) + 0x561ccd1b) >>> 0;
    k2 = mul(rotl(mul(k2, c2), 17), c1);
    h2 = (h2 ^ k2) >>> 0;
    h2 = (rotl(h2, 13) + h1) >>> 0;
    h2 = (mul(h2, 5) + 0x0bcaa747) >>> 0;
  }
  const tail = length - index;
  if (tail > 0) {
    const k1 = mul(rotl(mul(le32(index, Math.min(tail, 4)), c1), 15), c2);
    h1 = (h1 ^ k1) >>> 0;
    if (tail > 4) {
      const k2 = mul(rotl(mul(le32(index + 4, tail - 4), c2), 17), c1);
      h2 = (h2 ^ k2) >>> 0;
    }
  }
  h1 = (h1 ^ length) >>> 0;
  h2 = (h2 ^ length) >>> 0;
  h1 = (h1 + h2) >>> 0;
  h2 = (h2 + h1) >>> 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 = (h1 + h2) >>> 0;
  h2 = (h2 + h1) >>> 0;
  return (BigInt(h2) << 32n) | BigInt(h1);
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** uniqueString(): the arguments joined by '-', UTF-8, hashed, then the 64 bits read 5 at a time from the top (13 chars). */
export function uniqueString(parts: readonly string[]): string {
  let h = murmurHash64(Buffer.from(parts.join('-'), 'utf8'));
  let out = '';
  for (let i = 0; i < 13; i++) {
    out += BASE32[Number(h >> 59n)];
    h = (h << 5n) & 0xffffffffffffffffn;
  }
  return out;
}

/** The fixed namespace Azure's guid() hashes under. */
const GUID_NAMESPACE = '11fb06fb-712d-4ddd-98c7-e71bbd588830';

/** guid(): an RFC 4122 version-5 (SHA-1, name-based) UUID of the arguments joined by '-', UTF-8, in Azure's namespace. */
export function armGuid(parts: readonly string[]): string {
  const ns = Buffer.from(GUID_NAMESPACE.replace(/-/g, ''), 'hex');
  const digest = createHash('sha1').update(ns).update(Buffer.from(parts.join('-'), 'utf8')).digest();
  const b = digest.subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
