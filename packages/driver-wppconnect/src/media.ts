import { createHash } from 'node:crypto';
import { DriverError, type MediaContent, type MediaDownload } from '@switchboard/core';

/** Outbound media as the string wppconnect takes: a `data:` URI for inline bytes, or the URL. */
export function mediaSource(media: MediaContent): string {
  if (media.data !== undefined) {
    if (!media.mimeType) {
      throw new DriverError('invalid_request', 'Inline media (data) needs a mimeType for WPPConnect.', { retryable: false });
    }
    return `data:${media.mimeType};base64,${media.data}`;
  }
  if (media.url !== undefined) return media.url;
  throw new DriverError('invalid_request', 'WPPConnect sends media from inline data or a URL, not from a provider media id.', { retryable: false });
}

/** Default file name for a document without one (WhatsApp shows it to the recipient). */
export function documentName(media: MediaContent): string | undefined {
  if (media.filename) return media.filename;
  if (media.kind !== 'document') return undefined;
  const ext = media.mimeType?.split('/')[1]?.split(';')[0];
  return ext ? `document.${ext}` : 'document';
}

/** Media bytes (base64, with or without a `data:` prefix) as a `MediaDownload`. */
export function downloadFromBase64(input: string, fallbackMime: string | undefined): MediaDownload {
  const match = /^data:([^;,]+)(?:;[^,]*)?,(.*)$/s.exec(input);
  const mimeType = match?.[1] ?? fallbackMime ?? 'application/octet-stream';
  const bytes = Buffer.from(match ? (match[2] ?? '') : input, 'base64');
  if (bytes.byteLength === 0) throw new DriverError('provider_error', 'WPPConnect returned empty media.', { retryable: false });
  return {
    mimeType,
    size: bytes.byteLength,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    stream: new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        controller.close();
      },
    }),
  };
}
