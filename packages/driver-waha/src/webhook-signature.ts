import { createHmac, timingSafeEqual } from 'node:crypto';

/** Lowercase hex HMAC-SHA512 of the raw body: what WAHA sends in `X-Webhook-Hmac`. */
export function wahaSignature(key: string, rawBody: Uint8Array | string): string {
  return createHmac('sha512', key).update(rawBody).digest('hex');
}

/**
 * Checks `X-Webhook-Hmac` against the raw body bytes with a constant-time compare. A missing,
 * non-hex or wrong-length header fails; so does an `X-Webhook-Hmac-Algorithm` other than sha512.
 */
export function verifyWahaSignature(key: string, rawBody: Uint8Array, signature: string | null, algorithm: string | null): boolean {
  if (algorithm !== null && algorithm.trim().toLowerCase() !== 'sha512') return false;
  if (!signature || !/^[0-9a-fA-F]{128}$/.test(signature.trim())) return false;
  const expected = createHmac('sha512', key).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(signature.trim(), 'hex'));
}
