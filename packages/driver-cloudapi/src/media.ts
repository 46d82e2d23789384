import { createHash } from 'node:crypto';
import { DriverError, type Logger, type MediaDownload } from '@switchboard/core';
import { FormData } from 'undici';
import type { GraphClient } from './graph-client.js';

/** `GET /{media-id}` answer. `file_size` arrives as a number or a numeric string. */
export interface MediaInfo {
  id: string;
  url: string;
  mime_type: string;
  sha256?: string;
  file_size?: number | string;
  messaging_product?: string;
}

export interface UploadMediaInput {
  /** The bytes. */
  data: Blob | Uint8Array | ArrayBuffer;
  /** MIME type, e.g. `image/jpeg`, `application/pdf`, `audio/ogg` (opus). */
  mimeType: string;
  /** File name sent in the multipart part (default `file`). */
  filename?: string;
  /** For numbers without storage: how long Meta keeps the upload. */
  ttlMinutes?: number;
}

/** What to do when downloaded bytes do not match the sha256 Meta gave: fail the stream (default), log, or skip the check. */
export type Sha256Policy = 'error' | 'warn' | 'off';

/** Media endpoints (fact sheet §1.5) on one phone number: `driver.media`. */
export interface CloudApiMediaApi {
  /** `POST /{phone-number-id}/media` (multipart). Returns the media id to send with. */
  upload(input: UploadMediaInput): Promise<{ id: string }>;
  /** `GET /{media-id}?phone_number_id=…`: a short-lived (5 min) URL and the file's facts. */
  info(mediaId: string): Promise<MediaInfo>;
  /** Look the media up and stream its bytes, verified against Meta's sha256. */
  download(mediaId: string): Promise<MediaDownload>;
  /** `DELETE /{media-id}?phone_number_id=…`. */
  delete(mediaId: string): Promise<void>;
}

export class CloudApiMedia implements CloudApiMediaApi {
  readonly #graph: GraphClient;
  readonly #phoneNumberId: string;
  readonly #logger: () => Logger;
  readonly #policy: Sha256Policy;

  constructor(graph: GraphClient, phoneNumberId: string, logger: () => Logger, policy: Sha256Policy) {
    this.#graph = graph;
    this.#phoneNumberId = phoneNumberId;
    this.#logger = logger;
    this.#policy = policy;
  }

  /** `POST /{phone-number-id}/media` (multipart). Returns the media id to send with. @throws DriverError */
  async upload(input: UploadMediaInput): Promise<{ id: string }> {
    if (!input || typeof input.mimeType !== 'string' || !/^[\w.+-]+\/[\w.+-]+$/.test(input.mimeType)) {
      throw new DriverError('invalid_request', 'cloudapi: media upload needs a mimeType such as "image/jpeg".', { details: { driver: 'cloudapi' } });
    }
    const blob = input.data instanceof Blob ? input.data : new Blob([input.data as BlobPart], { type: input.mimeType });
    if (blob.size === 0) throw new DriverError('invalid_request', 'cloudapi: media upload needs non-empty data.', { details: { driver: 'cloudapi' } });
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', input.mimeType);
    if (input.ttlMinutes !== undefined) form.append('ttl_minutes', String(input.ttlMinutes));
    form.append('file', blob.type === input.mimeType ? blob : new Blob([blob], { type: input.mimeType }), input.filename ?? 'file');
    const result = await this.#graph.call<{ id?: string }>('media upload', 'POST', `${this.#phoneNumberId}/media`, { form: form as unknown as globalThis.FormData });
    if (typeof result.id !== 'string' || result.id === '') throw new DriverError('provider_error', 'cloudapi: media upload answered without an id.', { details: { driver: 'cloudapi' } });
    return { id: result.id };
  }

  /** `GET /{media-id}?phone_number_id=…`: a short-lived (5 min) URL and the file's facts. @throws DriverError */
  async info(mediaId: string): Promise<MediaInfo> {
    checkId(mediaId);
    const info = await this.#graph.call<MediaInfo>('media lookup', 'GET', encodeURIComponent(mediaId), { query: { phone_number_id: this.#phoneNumberId } });
    if (typeof info.url !== 'string' || info.url === '') throw new DriverError('provider_error', 'cloudapi: media lookup answered without a url.', { details: { driver: 'cloudapi' } });
    return info;
  }

  /** `DELETE /{media-id}?phone_number_id=…`. @throws DriverError */
  async delete(mediaId: string): Promise<void> {
    checkId(mediaId);
    const result = await this.#graph.call<{ success?: boolean }>('media delete', 'DELETE', encodeURIComponent(mediaId), { query: { phone_number_id: this.#phoneNumberId } });
    if (result.success !== true) throw new DriverError('provider_error', 'cloudapi: media delete was not confirmed.', { details: { driver: 'cloudapi' } });
  }

  /**
   * Look the media up, then stream its bytes (GET the URL with the Bearer header). The stream
   * hashes what passes through; when Meta's sha256 does not match (or the size differs from
   * `file_size`), the stream errors at its end with `media_integrity`, so a consumer that
   * commits only after the stream closed never keeps corrupt bytes. @throws DriverError
   */
  async download(mediaId: string): Promise<MediaDownload> {
    const info = await this.info(mediaId);
    const response = await this.#graph.download('media download', info.url);
    if (!response.body) throw new DriverError('provider_error', 'cloudapi: media download returned no body.', { details: { driver: 'cloudapi' } });
    const expectedHex = info.sha256 ? sha256Hex(info.sha256) : undefined;
    const size = info.file_size !== undefined && /^\d+$/.test(String(info.file_size)) ? Number(info.file_size) : undefined;
    const mimeType = info.mime_type || response.headers.get('content-type') || 'application/octet-stream';
    return {
      mimeType,
      ...(size !== undefined ? { size } : {}),
      ...(expectedHex ? { sha256: expectedHex } : {}),
      stream: this.#policy === 'off' ? response.body : this.#verifying(response.body, mediaId, expectedHex, size),
    };
  }

  #verifying(body: ReadableStream<Uint8Array>, mediaId: string, expectedHex: string | undefined, expectedSize: number | undefined): ReadableStream<Uint8Array> {
    const hash = createHash('sha256');
    let size = 0;
    const policy = this.#policy;
    const logger = this.#logger;
    return body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          hash.update(chunk);
          size += chunk.byteLength;
          controller.enqueue(chunk);
        },
        flush(controller) {
          const actual = hash.digest('hex');
          const problem =
            expectedHex && actual !== expectedHex
              ? 'the bytes do not match the sha256 Meta reported'
              : expectedSize !== undefined && size !== expectedSize
                ? `got ${size} bytes, Meta reported ${expectedSize}`
                : null;
          if (!problem) return;
          if (policy === 'warn') {
            logger().warn({ driver: 'cloudapi', mediaId, problem }, 'media integrity check failed');
            return;
          }
          controller.error(new DriverError('media_integrity', `cloudapi: media ${mediaId}: ${problem}.`, { retryable: true, details: { driver: 'cloudapi', mediaId } }));
        },
      }),
    );
  }
}

function checkId(mediaId: string): void {
  if (typeof mediaId !== 'string' || !/^[\w.-]{1,256}$/.test(mediaId)) {
    throw new DriverError('invalid_request', 'cloudapi: a media id is a Graph id (digits).', { details: { driver: 'cloudapi' } });
  }
}

/** Meta's sha256 as lower-case hex, whether it came as hex or base64; undefined if neither. */
export function sha256Hex(value: string): string | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return value.toLowerCase();
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === 32) return bytes.toString('hex');
  }
  return undefined;
}
