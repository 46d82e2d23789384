import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureCheck = 'valid' | 'missing' | 'malformed' | 'mismatch';

const HEADER = /^sha256=([0-9a-fA-F]{64})$/;

function hmac(secret: string, data: Uint8Array | string): Buffer {
  return createHmac('sha256', secret).update(data).digest();
}

function equal(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Meta documents that it signs the payload with non-ASCII characters escaped as `\uXXXX`
 * (lower-case hex, UTF-16 code units, so an emoji is a surrogate pair). This rebuilds that form
 * from a body whose non-ASCII characters arrive unescaped.
 */
export function escapeNonAscii(text: string): string {
  return text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Checks `X-Hub-Signature-256: sha256=<hex>` = HMAC-SHA256(app secret, raw body), in constant
 * time. The raw bytes are tried first; if they hold non-ASCII characters, their `\uXXXX`
 * lower-case escaped form is tried too (the variant Meta documents). Any other change to the
 * bytes (key order, whitespace, other escaping) fails.
 */
export function verifySignature(raw: Uint8Array, header: string | null, appSecret: string): SignatureCheck {
  if (header === null || header.trim() === '') return 'missing';
  const match = HEADER.exec(header.trim());
  if (!match?.[1]) return 'malformed';
  const expected = Buffer.from(match[1], 'hex');
  if (equal(hmac(appSecret, raw), expected)) return 'valid';
  if (raw.some((byte) => byte >= 0x80)) {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      return 'mismatch';
    }
    if (equal(hmac(appSecret, escapeNonAscii(text)), expected)) return 'valid';
  }
  return 'mismatch';
}

/** Constant-time string comparison (both sides hashed first, so lengths leak nothing). */
export function safeEqualText(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** `sha256=<hex>` for a body, as Meta would send it (tests, local tooling). */
export function signatureFor(body: Uint8Array | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}
