/**
 * A fake Graph API for msw 2 (`setupServer` intercepts Node's global fetch; the driver is given
 * `fetch: (u, i) => globalThis.fetch(u, i)` in tests). Records every request the driver made and
 * answers with the shapes of fact sheet §1.4, §1.5, §1.13.
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import { setupServer, type SetupServer } from 'msw/node';
import type { FetchLike } from '../../src/index.js';

export const GRAPH = 'https://graph.facebook.com';
export const VERSION = 'v25.0';
export const BASE = `${GRAPH}/${VERSION}`;
export const PHONE_ID = '106540352242922';
export const OTHER_PHONE_ID = '106540352249999';
export const WABA_ID = '102290129340398';
export const TOKEN = 'EAAGm0PX4ZCpsBAKZBtestTOKENvalue1234567890abcdef';
export const APP_SECRET = 'f3c1e0a9b7d24e6c8a5b1d9e7f0c2a4b';
export const VERIFY_TOKEN = 'verify-token-switchboard-7d1';

/** Late-bound so msw's patched global fetch is used. */
export const testFetch: FetchLike = (url, init) => globalThis.fetch(url, init as RequestInit) as ReturnType<FetchLike>;

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
  /** Parsed JSON body, when JSON. */
  json?: Record<string, unknown>;
  /** Multipart body, when multipart. */
  form?: FormData;
}

export function graphError(code: number, message: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    error: {
      message,
      type: 'OAuthException',
      code,
      error_data: { messaging_product: 'whatsapp', details: `details for ${code}` },
      fbtrace_id: 'AbCdEfGhIjK',
      ...extra,
    },
  };
}

export interface FakeGraph {
  server: SetupServer;
  requests: RecordedRequest[];
  /** JSON bodies posted to /{phone}/messages, in order. */
  sends(): Array<Record<string, unknown>>;
  /** The next message send answers with this HTTP status and body (and headers). */
  failNextSend(status: number, body: unknown, headers?: Record<string, string>): void;
  /** What `GET /{phone-number-id}` answers. */
  health: { status: number; body: Record<string, unknown> };
  /** Record a request from a handler a test added with `server.use`. */
  record(request: Request): Promise<RecordedRequest>;
  reset(): void;
}

export function createFakeGraph(): FakeGraph {
  const requests: RecordedRequest[] = [];
  const failures: Array<{ status: number; body: unknown; headers?: Record<string, string> }> = [];
  let seq = 0;
  const fake: FakeGraph = {
    server: undefined as unknown as SetupServer,
    requests,
    sends: () => requests.filter((r) => r.method === 'POST' && r.url.pathname === `/${VERSION}/${PHONE_ID}/messages` && r.json?.type !== undefined).map((r) => r.json!),
    failNextSend: (status, body, headers) => {
      failures.push({ status, body, ...(headers ? { headers } : {}) });
    },
    health: {
      status: 200,
      body: {
        display_phone_number: '+1 555-000-1234',
        verified_name: 'Switchboard Pharmacy',
        quality_rating: 'GREEN',
        messaging_limit_tier: 'TIER_1K',
        name_status: 'APPROVED',
        throughput: { level: 'STANDARD' },
        id: PHONE_ID,
      },
    },
    record: undefined as unknown as FakeGraph['record'],
    reset: () => {
      requests.length = 0;
      failures.length = 0;
    },
  };

  const record = async (request: Request): Promise<RecordedRequest> => {
    const entry: RecordedRequest = { method: request.method, url: new URL(request.url), headers: request.headers };
    const type = request.headers.get('content-type') ?? '';
    if (type.includes('application/json')) entry.json = (await request.clone().json()) as Record<string, unknown>;
    else if (type.includes('multipart/form-data')) entry.form = await request.clone().formData();
    requests.push(entry);
    return entry;
  };

  fake.record = record;
  const handlers: HttpHandler[] = [
    http.post(`${BASE}/${PHONE_ID}/messages`, async ({ request }) => {
      const { json } = await record(request);
      const failure = failures.shift();
      if (failure) return HttpResponse.json(failure.body as Record<string, unknown>, { status: failure.status, ...(failure.headers ? { headers: failure.headers } : {}) });
      if (json?.status === 'read') return HttpResponse.json({ success: true });
      const to = (json?.to ?? json?.recipient) as string;
      return HttpResponse.json({
        messaging_product: 'whatsapp',
        contacts: [json?.recipient ? { input: to, user_id: to } : { input: to, wa_id: to }],
        messages: [{ id: `wamid.HBgLMjAxMDAxMjM0NTY3FQIAERgS${String(++seq).padStart(6, '0')}`, message_status: 'accepted' }],
      });
    }),
    http.get(`${BASE}/${PHONE_ID}`, async ({ request }) => {
      await record(request);
      return HttpResponse.json(fake.health.body, { status: fake.health.status });
    }),
  ];
  fake.server = setupServer(...handlers);
  return fake;
}
