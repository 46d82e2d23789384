import { Readable } from 'node:stream';
import { DriverError, type MediaDownload } from '@switchboard/core';
import { header, type WahaClient } from './waha-client.js';

function filenameFrom(disposition: string | undefined, url: URL): string | undefined {
  const star = disposition ? /filename\*=(?:UTF-8'')?([^;]+)/i.exec(disposition)?.[1] : undefined;
  if (star) {
    try {
      return decodeURIComponent(star.trim().replace(/^"|"$/g, ''));
    } catch {
      /* fall through to the plain parameter */
    }
  }
  const plain = disposition ? /filename="?([^";]+)"?/i.exec(disposition)?.[1] : undefined;
  if (plain) return plain.trim();
  const last = url.pathname.split('/').pop();
  return last ? decodeURIComponent(last) : undefined;
}

/**
 * Streams a WAHA media file (`payload.media.url`, e.g. `http://waha:3000/api/files/<id>.jpg`) with
 * the API key. The key is only sent to the `baseUrl` origin or an origin listed in
 * `mediaOrigins` (WAHA_BASE_URL may publish files under another host); other URLs are refused, so
 * a forged webhook cannot make the driver hand the key to a third party.
 */
export async function downloadWahaMedia(client: WahaClient, providerRef: string, trustedOrigins: readonly string[]): Promise<MediaDownload> {
  let url: URL;
  try {
    url = new URL(providerRef);
  } catch {
    throw new DriverError('invalid_request', 'The media reference is not a URL.', { details: { driver: 'waha' } });
  }
  if (url.origin !== client.baseUrl.origin && !trustedOrigins.includes(url.origin)) {
    throw new DriverError(
      'invalid_request',
      `Refusing to send the WAHA API key to ${url.origin}: add it to mediaOrigins if WAHA serves files there.`,
      { details: { driver: 'waha', origin: url.origin } },
    );
  }
  const response = await client.stream(url, 'downloadMedia');
  const length = Number(header(response.headers['content-length']));
  const filename = filenameFrom(header(response.headers['content-disposition']), url);
  return {
    mimeType: header(response.headers['content-type']) ?? 'application/octet-stream',
    ...(Number.isFinite(length) && length >= 0 ? { size: length } : {}),
    ...(filename ? { filename } : {}),
    stream: Readable.toWeb(response.body) as ReadableStream<Uint8Array>,
  };
}
