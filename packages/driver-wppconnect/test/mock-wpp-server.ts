import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A WPPConnect Server (wppconnect-server v2.10.x) on 127.0.0.1, answering like the real one
 * (fact sheet §3b): bcrypt-looking tokens from generate-token, `Authorization: Bearer`, the
 * `statusConnection` middleware (404 Disconnected, 400 unknown number in Portuguese, phone →
 * `checkNumberStatus` canonical id), 201 `{status:"success", response:[…], mapper:"return"}`.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown> | null;
}

export class MockWppServer {
  readonly secretKey = 'THISISMYSECURETOKEN-test';
  readonly session = 'shop';
  readonly requests: RecordedRequest[] = [];
  /** Messages the server accepted (201), in order: recipient E.164 and text. */
  readonly delivered: Array<{ route: string; to: string; text: string | null }> = [];
  readonly tokens = new Set<string>();
  /** Phone digits → canonical chat id, or null when the number is not on WhatsApp. Missing: `<digits>@c.us`. */
  readonly numbers = new Map<string, string | null>();
  /** What `start-session` / `status-session` report. */
  sessionStatus: 'CLOSED' | 'INITIALIZING' | 'QRCODE' | 'CONNECTED' = 'CONNECTED';
  connected = true;
  /** Fail the next send with this HTTP status and body. */
  failNext: { status: number; body: unknown } | null = null;
  /** Answer 503 to this many start-session calls (a server still booting). */
  startFailures = 0;
  media = new Map<string, { base64: string; mimetype: string }>();
  #server: Server | undefined;
  #seq = 0;
  url = '';

  async listen(): Promise<this> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }

  /** Texts and files the server sent, as `{ to: E.164, text }`. */
  sends(): Array<{ path: string; to: string; text: string | null; body: Record<string, unknown> }> {
    return this.requests
      .filter((r) => /\/(send-message|send-reply|send-image|send-file|send-voice-base64|send-voice)$/.test(r.path) && r.body)
      .map((r) => ({
        path: r.path.split('/').pop()!,
        to: `+${String(r.body!.phone).replace(/@.*/, '')}`,
        text: typeof r.body!.message === 'string' ? r.body!.message : null,
        body: r.body!,
      }));
  }

  revokeTokens(): void {
    this.tokens.clear();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> | null = null;
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
    } catch {
      body = null;
    }
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    this.requests.push({ method: req.method ?? 'GET', path, authorization: req.headers.authorization, body });
    const send = (status: number, payload: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(payload));
    };

    const gen = /^\/api\/([^/]+)\/([^/]+)\/generate-token$/.exec(path);
    if (gen && req.method === 'POST') {
      if (decodeURIComponent(gen[2]!) !== this.secretKey) return send(400, { response: false, message: 'The SECRET_KEY is incorrect' });
      const token = `$2b$10$${randomBytes(16).toString('base64url')}`.replace(/\//g, '_').replace(/\+/g, '-');
      this.tokens.add(token);
      return send(201, { status: 'success', session: gen[1], token, full: `${gen[1]}:${token}` });
    }
    const m = /^\/api\/([^/]+)\/([a-z0-9-]+)$/.exec(path);
    if (!m) return send(404, { error: 'Not found' });
    const bearer = req.headers.authorization?.replace(/^Bearer /, '');
    if (!bearer || !this.tokens.has(bearer) || m[1] !== this.session) {
      return send(401, { message: 'Check that the Session and Token are correct.' });
    }
    const route = m[2]!;
    switch (route) {
      case 'start-session':
        if (this.startFailures > 0) {
          this.startFailures--;
          return send(503, { message: 'Service Unavailable' });
        }
        return send(200, { status: this.sessionStatus, qrcode: this.sessionStatus === 'QRCODE' ? 'iVBORw0KGgoQR' : null, urlcode: this.sessionStatus === 'QRCODE' ? '2@srv-qr' : null, version: '2.10.4', session: this.session });
      case 'status-session':
        return send(200, { status: this.sessionStatus, qrcode: null, urlcode: null, version: '2.10.4' });
      case 'close-session':
        return send(200, { status: true, message: 'Session successfully closed' });
      case 'logout-session':
        this.sessionStatus = 'CLOSED';
        return send(200, { status: true, message: 'Session successfully closed' });
      case 'qrcode-session':
        if (this.sessionStatus === 'QRCODE') {
          res.writeHead(200, { 'content-type': 'image/png', 'content-length': '8' });
          res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
          return;
        }
        return send(200, { status: this.sessionStatus, message: 'QRCode is not available...' });
      case 'download-media': {
        const media = this.media.get(String(body?.messageId));
        return media ? send(200, media) : send(400, { status: 'error', message: 'Decrypt file error' });
      }
      default:
        break;
    }
    // statusConnection middleware, then the controller.
    if (!this.connected) return send(404, { response: null, status: 'Disconnected', message: 'A sessão do WhatsApp não está ativa.' });
    const phone = String(body?.phone ?? '');
    const suffix = body?.isGroup ? '@g.us' : body?.isLid || phone.length > 14 ? '@lid' : '@c.us';
    let chatId = `${phone}${suffix}`;
    if (suffix === '@c.us') {
      const canonical = this.numbers.has(phone) ? this.numbers.get(phone)! : chatId;
      if (!canonical) return send(400, { response: null, status: 'Connected', message: `O número ${phone} não existe.` });
      chatId = canonical;
    }
    if (route === 'send-seen' || route === 'typing') return send(201, { status: 'success', response: { ok: true }, mapper: 'return' });
    if (this.failNext) {
      const { status, body: failure } = this.failNext;
      this.failNext = null;
      return send(status, failure);
    }
    const id = `true_${chatId}_3EB0${(++this.#seq).toString(16).toUpperCase().padStart(16, '0')}`;
    this.delivered.push({ route, to: `+${phone}`, text: typeof body?.message === 'string' ? body.message : null });
    if (route === 'send-message' || route === 'send-reply') {
      return send(201, { status: 'success', response: [{ id, body: body?.message, type: 'chat', t: 1_767_603_600, from: '201112223334@c.us', to: chatId, ack: 0, fromMe: true }], mapper: 'return' });
    }
    if (route === 'send-image' || route === 'send-file' || route === 'send-voice-base64' || route === 'send-voice') {
      return send(201, { status: 'success', response: [{ ack: 0, id }], mapper: 'return' });
    }
    return send(404, { error: 'Not found' });
  }
}
