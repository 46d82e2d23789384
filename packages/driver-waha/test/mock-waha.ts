import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the mock received. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Handler = (req: RecordedRequest) => Reply | Promise<Reply>;

interface Override {
  method: string;
  path: string | RegExp;
  once: boolean;
  handler: Handler;
}

/** How send endpoints answer: WAMessage (documented), whatsapp-web.js `_data`, NOWEB Baileys key, or an empty body (WAHA #1087). */
export type SendShape = 'wamessage' | 'webjs' | 'noweb' | 'empty';

export const API_KEY = 'waha-test-key-9f8e7d6c5b4a';
export const ME = '201000000000@c.us';

/**
 * A WAHA server on 127.0.0.1 with payloads shaped like WAHA 2026.7.1 (fact sheet §2). Every
 * request is recorded; routes can be overridden per test.
 */
export class MockWaha {
  readonly requests: RecordedRequest[] = [];
  readonly session = 'default';
  sessionExists = true;
  status = 'WORKING';
  engine = 'WEBJS';
  sessionConfig: Record<string, unknown> = { webjs: { tagsEventsOn: true } };
  sendShape: SendShape = 'wamessage';
  /** check-exists answers by phone digits; default: exists with `<digits>@c.us`. */
  readonly numbers = new Map<string, { numberExists: boolean; chatId?: string }>();
  /** lids API: lid → pn (`…@c.us`), or null when WAHA does not know it. */
  readonly lids = new Map<string, string | null>();
  readonly files = new Map<string, { contentType: string; body: Buffer; disposition?: string }>();
  qrRotation = 0;
  #seq = 0;
  readonly #overrides: Override[] = [];
  readonly #server: Server;
  url = '';

  private constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          /* keep text */
        }
        const recorded: RecordedRequest = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: req.headers,
          body,
        };
        this.requests.push(recorded);
        void Promise.resolve(this.#route(recorded)).then((reply) => {
          if (Buffer.isBuffer(reply.body)) {
            res.writeHead(reply.status ?? 200, reply.headers ?? {});
            res.end(reply.body);
            return;
          }
          const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
          res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
          res.end(payload);
        });
      });
    });
  }

  static async start(): Promise<MockWaha> {
    const mock = new MockWaha();
    await new Promise<void>((resolve) => mock.#server.listen(0, '127.0.0.1', resolve));
    mock.url = `http://127.0.0.1:${(mock.#server.address() as AddressInfo).port}`;
    return mock;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Override a route (first match wins; `once` removes it after use). */
  on(method: string, path: string | RegExp, handler: Handler, options: { once?: boolean } = {}): void {
    this.#overrides.unshift({ method, path, handler, once: options.once ?? false });
  }

  /** Answer the next request to `path` with `status` (and a Nest-style error body). */
  failNext(method: string, path: string | RegExp, status: number, message = 'failure'): void {
    this.on(method, path, () => ({ status, body: { statusCode: status, message, error: 'Error' } }), { once: true });
  }

  /** Recorded requests to a path (exact string or pattern). */
  calls(path: string | RegExp, method?: string): RecordedRequest[] {
    return this.requests.filter((r) => (typeof path === 'string' ? r.path === path : path.test(r.path)) && (!method || r.method === method));
  }

  #sessionInfo(): Record<string, unknown> {
    return {
      name: this.session,
      status: this.status,
      config: this.sessionConfig,
      engine: { engine: this.engine },
      me: this.status === 'WORKING' ? { id: ME, pushName: 'Shop' } : null,
    };
  }

  #sent(req: RecordedRequest): Reply {
    const body = req.body as { chatId: string; text?: string; caption?: string };
    const short = `3EB0${String(++this.#seq).padStart(16, '0')}`;
    const serialized = `true_${body.chatId}_${short}`;
    switch (this.sendShape) {
      case 'empty':
        return { status: 201 };
      case 'webjs':
        return { status: 201, body: { _data: { id: { fromMe: true, remote: body.chatId, id: short, _serialized: serialized }, ack: 0, type: 'chat' } } };
      case 'noweb':
        return {
          status: 201,
          body: {
            key: { remoteJid: body.chatId.replace('@c.us', '@s.whatsapp.net'), fromMe: true, id: short },
            message: { extendedTextMessage: { text: body.text ?? '' } },
            messageTimestamp: '1767603600',
            status: 'PENDING',
          },
        };
      default:
        return {
          status: 201,
          body: { id: serialized, timestamp: 1767603600, from: ME, fromMe: true, source: 'api', to: body.chatId, body: body.text ?? body.caption ?? '', hasMedia: false, ack: 1, ackName: 'SERVER' },
        };
    }
  }

  async #route(req: RecordedRequest): Promise<Reply> {
    if (req.headers['x-api-key'] !== API_KEY) return { status: 401, body: { statusCode: 401, message: 'Unauthorized' } };
    const override = this.#overrides.find((o) => o.method === req.method && (typeof o.path === 'string' ? o.path === req.path : o.path.test(req.path)));
    if (override) {
      if (override.once) this.#overrides.splice(this.#overrides.indexOf(override), 1);
      return override.handler(req);
    }
    const s = this.session;
    const key = `${req.method} ${req.path}`;
    switch (key) {
      case `GET /api/sessions/${s}`:
        return this.sessionExists ? { body: this.#sessionInfo() } : { status: 404, body: { statusCode: 404, message: 'Session not found' } };
      case 'POST /api/sessions': {
        this.sessionExists = true;
        const body = req.body as { start?: boolean; config?: Record<string, unknown> };
        this.sessionConfig = body.config ?? {};
        this.status = body.start === false ? 'STOPPED' : 'STARTING';
        return { status: 201, body: this.#sessionInfo() };
      }
      case `POST /api/sessions/${s}/start`:
        if (this.status !== 'STOPPED') return { status: 422, body: { statusCode: 422, message: `Session '${s}' is already started.` } };
        this.status = 'STARTING';
        return { status: 201, body: this.#sessionInfo() };
      case `POST /api/sessions/${s}/stop`:
        this.status = 'STOPPED';
        return { status: 201, body: this.#sessionInfo() };
      case `POST /api/sessions/${s}/restart`:
        this.status = 'STARTING';
        return { status: 201, body: this.#sessionInfo() };
      case `POST /api/sessions/${s}/logout`:
        return { status: 201, body: {} };
      case `GET /api/${s}/auth/qr`:
        if (req.query.format === 'raw') return { body: { value: `2@qr-value-${this.qrRotation}` } };
        if (req.headers.accept === 'application/json') {
          return { body: { mimetype: 'image/png', data: Buffer.from(`png-${this.qrRotation}`).toString('base64') } };
        }
        return { body: Buffer.from('PNG'), headers: { 'content-type': 'image/png' } };
      case `POST /api/${s}/auth/request-code`:
        return { status: 201, body: { code: 'ABCD-EFGH' } };
      case 'GET /api/contacts/check-exists': {
        const phone = req.query.phone ?? '';
        return { body: this.numbers.get(phone) ?? { numberExists: true, chatId: `${phone}@c.us` } };
      }
      case 'POST /api/sendText':
      case 'POST /api/sendImage':
      case 'POST /api/sendFile':
      case 'POST /api/sendVoice':
      case 'POST /api/sendVideo':
        return this.#sent(req);
      case 'POST /api/sendSeen':
      case 'POST /api/startTyping':
      case 'POST /api/stopTyping':
        return { status: 201, body: {} };
      case 'PUT /api/reaction':
        return { status: 200, body: {} };
    }
    const lid = new RegExp(`^/api/${s}/lids/(.+)$`).exec(req.path);
    if (req.method === 'GET' && lid) {
      const id = decodeURIComponent(lid[1] ?? '');
      if (!this.lids.has(id)) return { status: 404, body: { statusCode: 404, message: 'not found' } };
      return { body: { lid: id, pn: this.lids.get(id) } };
    }
    const file = this.files.get(req.path);
    if (req.method === 'GET' && file) {
      return {
        body: file.body,
        headers: { 'content-type': file.contentType, 'content-length': String(file.body.length), ...(file.disposition ? { 'content-disposition': file.disposition } : {}) },
      };
    }
    return { status: 404, body: { statusCode: 404, message: `no mock route for ${key}` } };
  }
}
