import { createHash, timingSafeEqual } from 'node:crypto';

/** Header carrying the shared webhook secret (set by a reverse proxy in front of Switchboard). */
export const WEBHOOK_SECRET_HEADER = 'x-switchboard-secret';
/** Query parameter carrying the shared webhook secret (WPPConnect Server cannot add headers). */
export const WEBHOOK_SECRET_PARAM = 'secret';

/**
 * WPPConnect Server signs nothing, so its webhooks are authenticated by a shared secret: in the
 * `X-Switchboard-Secret` header, or in the `secret` query parameter of the webhook URL given to
 * the server. Compared in constant time (digests of equal length, so the length does not leak).
 */
export function hasWebhookSecret(request: Request, expected: string): boolean {
  const header = request.headers.get(WEBHOOK_SECRET_HEADER);
  let given = header;
  if (given === null) {
    try {
      given = new URL(request.url).searchParams.get(WEBHOOK_SECRET_PARAM);
    } catch {
      given = null;
    }
  }
  if (given === null || given === '') return false;
  return timingSafeEqual(digest(given), digest(expected));
}

/** The webhook URL to register on the server: the host's public URL with the secret as a query parameter. */
export function webhookUrlWithSecret(url: string, secret: string): string {
  const u = new URL(url);
  u.searchParams.set(WEBHOOK_SECRET_PARAM, secret);
  return u.toString();
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
