import { DriverError, normalizePhone } from '@switchboard/core';
import type { WahaClient } from './waha-client.js';

/** WAHA session statuses (2026 adds the GOWS passkey ones). Unknown values are passed through. */
export type WahaSessionStatus =
  | 'STOPPED'
  | 'STARTING'
  | 'SCAN_QR_CODE'
  | 'WORKING'
  | 'FAILED'
  | 'PASSKEY_REQUIRED'
  | 'PASSKEY_CONFIRMATION_REQUIRED'
  | (string & {});

/** `SessionInfo` / `SessionDTO`, the fields this driver reads. */
export interface WahaSessionInfo {
  name: string;
  status: WahaSessionStatus;
  engine?: { engine?: string } | string;
  config?: Record<string, unknown> | null;
  me?: { id?: string; pushName?: string; lid?: string } | null;
}

/** The QR to scan: the raw value to render yourself, or the PNG WAHA renders. */
export interface WahaQrImage {
  mimetype: string;
  /** Base64 image bytes. */
  data: string;
}

function asSession(body: unknown, operation: string): WahaSessionInfo {
  const b = body as Partial<WahaSessionInfo> | null;
  if (!b || typeof b !== 'object' || typeof b.status !== 'string') {
    throw new DriverError('invalid_response', `WAHA answered ${operation} without a session status.`, { details: { driver: 'waha', operation } });
  }
  return b as WahaSessionInfo;
}

/**
 * The session endpoints (`/api/sessions/{session}/…`, `/api/{session}/auth/…`). Each method is one
 * WAHA call; the driver's own start-up and recovery logic sits on top of these.
 */
export class WahaSessionApi {
  readonly #client: WahaClient;
  readonly name: string;

  constructor(client: WahaClient, name: string) {
    this.#client = client;
    this.name = name;
  }

  #path(suffix = ''): string {
    return `/api/sessions/${encodeURIComponent(this.name)}${suffix}`;
  }

  /** `GET /api/sessions/{session}`. Throws `not_found` when WAHA does not know the session. */
  async status(): Promise<WahaSessionInfo> {
    return asSession(await this.#client.call({ method: 'GET', path: this.#path(), operation: 'session.status' }), 'session.status');
  }

  /** `POST /api/sessions` with `{ name, start, config }`. */
  async create(input: { config?: Record<string, unknown>; start?: boolean } = {}): Promise<WahaSessionInfo> {
    const body = await this.#client.call({
      method: 'POST',
      path: '/api/sessions',
      json: { name: this.name, start: input.start ?? true, ...(input.config ? { config: input.config } : {}) },
      operation: 'session.create',
    });
    return asSession(body, 'session.create');
  }

  /** `POST /api/sessions/{session}/start` (idempotent: WAHA's 422 "already started" is not an error). */
  async start(): Promise<WahaSessionInfo> {
    try {
      return asSession(await this.#client.call({ method: 'POST', path: this.#path('/start'), operation: 'session.start' }), 'session.start');
    } catch (error) {
      if (error instanceof DriverError && error.code === 'session_not_ready') return this.status();
      throw error;
    }
  }

  /** `POST /api/sessions/{session}/stop` (keeps the login). */
  async stop(): Promise<WahaSessionInfo> {
    return asSession(await this.#client.call({ method: 'POST', path: this.#path('/stop'), operation: 'session.stop' }), 'session.stop');
  }

  /** `POST /api/sessions/{session}/restart`. */
  async restart(): Promise<WahaSessionInfo> {
    return asSession(await this.#client.call({ method: 'POST', path: this.#path('/restart'), operation: 'session.restart' }), 'session.restart');
  }

  /** `POST /api/sessions/{session}/logout`: unlinks the device, keeps the config. */
  async logout(): Promise<void> {
    await this.#client.call({ method: 'POST', path: this.#path('/logout'), operation: 'session.logout' });
  }

  /** `GET /api/{session}/auth/qr` with `Accept: application/json` → `{ mimetype, data }` (base64 PNG). */
  async qrImage(): Promise<WahaQrImage> {
    const body = await this.#client.call<Partial<WahaQrImage> | null>({
      method: 'GET',
      path: `/api/${encodeURIComponent(this.name)}/auth/qr`,
      query: { format: 'image' },
      headers: { accept: 'application/json' },
      operation: 'session.qr',
    });
    if (!body || typeof body.data !== 'string' || typeof body.mimetype !== 'string') {
      throw new DriverError('invalid_response', 'WAHA answered the QR request without { mimetype, data }.', { details: { driver: 'waha' } });
    }
    return { mimetype: body.mimetype, data: body.data };
  }

  /** `GET /api/{session}/auth/qr?format=raw` → the string to render as a QR code. */
  async qrValue(): Promise<string> {
    const body = await this.#client.call<{ value?: unknown } | null>({
      method: 'GET',
      path: `/api/${encodeURIComponent(this.name)}/auth/qr`,
      query: { format: 'raw' },
      operation: 'session.qr',
    });
    if (typeof body?.value !== 'string' || body.value === '') {
      throw new DriverError('invalid_response', 'WAHA answered the raw QR request without a value.', { details: { driver: 'waha' } });
    }
    return body.value;
  }

  /**
   * `POST /api/{session}/auth/request-code` → the pairing code to type on the phone (Linked devices →
   * Link with phone number). `phone` is any form `normalizePhone` accepts.
   */
  async requestCode(phone: string, method?: string): Promise<string> {
    const digits = normalizePhone(phone).slice(1);
    const body = await this.#client.call<{ code?: unknown } | null>({
      method: 'POST',
      path: `/api/${encodeURIComponent(this.name)}/auth/request-code`,
      json: { phoneNumber: digits, ...(method ? { method } : {}) },
      operation: 'session.requestCode',
    });
    if (typeof body?.code !== 'string') {
      throw new DriverError('invalid_response', 'WAHA answered the pairing-code request without a code.', { details: { driver: 'waha' } });
    }
    return body.code;
  }
}
