import { EventEmitter } from 'node:events';
import type { CreateClient, LaunchBrowser, WppCreateOptions, WppLaunchOptions } from '../src/library/launch.js';
import type { WppAck, WppBrowser, WppClient, WppDisposable, WppFileOptions, WppMessage, WppNumberStatus } from '../src/library/wpp-client.js';

/** A child process stand-in (no pid, so nothing real is ever signalled). */
export class FakeProcess extends EventEmitter {
  readonly pid = undefined;
  exitCode: number | null = null;
  signalCode: string | null = null;
  readonly signals: Array<string | number | undefined> = [];
  kill(signal?: NodeJS.Signals | number): boolean {
    this.signals.push(signal);
    this.exit(null, String(signal ?? 'SIGTERM'));
    return true;
  }
  exit(code: number | null, signal: string | null): void {
    if (this.exitCode !== null || this.signalCode !== null) return;
    this.exitCode = code;
    this.signalCode = signal;
    this.emit('exit', code, signal);
  }
  get alive(): boolean {
    return this.exitCode === null && this.signalCode === null;
  }
}

export class FakeBrowser implements WppBrowser {
  readonly proc = new FakeProcess();
  readonly #disconnected: Array<() => void> = [];
  /** When false, close() resolves but leaves the process running (a wedged Chromium). */
  exitsOnClose = true;
  closeCalls = 0;
  constructor(readonly launchOptions: WppLaunchOptions) {}
  process = () => this.proc;
  close = async (): Promise<void> => {
    this.closeCalls++;
    if (this.exitsOnClose) this.proc.exit(0, null);
    this.#emitDisconnected();
  };
  on = (_event: 'disconnected', handler: () => void): unknown => {
    this.#disconnected.push(handler);
    return this;
  };
  /** Chromium dies on its own. */
  crash(): void {
    this.proc.exit(null, 'SIGSEGV');
    this.#emitDisconnected();
  }
  #emitDisconnected(): void {
    for (const h of this.#disconnected.splice(0)) h();
  }
}

function disposable<T>(list: T[], item: T): WppDisposable {
  list.push(item);
  return { dispose: () => void list.splice(list.indexOf(item), 1) };
}

/** Implements the subset of wppconnect's `Whatsapp` the driver uses (see the type test). */
export class FakeWppClient implements WppClient {
  readonly messageHandlers: Array<(m: WppMessage) => void> = [];
  readonly ackHandlers: Array<(a: WppAck) => void> = [];
  readonly stateHandlers: Array<(s: string) => void> = [];
  readonly texts: Array<{ to: string; content: string; options?: { quotedMsg?: string } }> = [];
  readonly files: Array<{ to: string; data: string; options?: WppFileOptions }> = [];
  readonly lookups: string[] = [];
  readonly seen: string[] = [];
  readonly typing: string[] = [];
  /** Chat id → canonical id, or null when not on WhatsApp. Missing: the id itself. */
  readonly numbers = new Map<string, string | null>();
  socketState = 'CONNECTED';
  failNextState: string | null = null;
  failNextSend: unknown = null;
  closeHangs = false;
  closeCalls = 0;
  media = new Map<string, string>();
  #seq = 0;

  constructor(readonly browser: FakeBrowser) {}

  onMessage = (cb: (m: WppMessage) => void) => disposable(this.messageHandlers, cb);
  onAck = (cb: (a: WppAck) => void) => disposable(this.ackHandlers, cb);
  onStateChange = (cb: (s: string) => void) => disposable(this.stateHandlers, cb);
  getConnectionState = async () => {
    const s = this.failNextState ?? this.socketState;
    this.failNextState = null;
    return s;
  };
  checkNumberStatus = async (id: string): Promise<WppNumberStatus> => {
    this.lookups.push(id);
    const canonical = this.numbers.has(id) ? this.numbers.get(id)! : id;
    return canonical ? { id: { _serialized: canonical }, numberExists: true } : { id: { _serialized: id }, numberExists: false };
  };
  sendText = async (to: string, content: string, options?: { quotedMsg?: string }) => {
    this.#maybeFail();
    this.texts.push({ to, content, ...(options ? { options } : {}) });
    return { id: `true_${to}_3EB0${(++this.#seq).toString(16).padStart(8, '0')}` };
  };
  sendFile = async (to: string, data: string, options?: WppFileOptions) => {
    this.#maybeFail();
    this.files.push({ to, data, ...(options ? { options } : {}) });
    return { ack: 0, id: `true_${to}_3EB0F${(++this.#seq).toString(16).padStart(7, '0')}` };
  };
  sendSeen = async (chatId: string) => {
    this.seen.push(chatId);
    return { wid: chatId, unreadCount: 0 };
  };
  startTyping = async (to: string) => {
    this.typing.push(`start:${to}`);
  };
  stopTyping = async (to: string) => {
    this.typing.push(`stop:${to}`);
  };
  downloadMedia = async (id: string) => {
    const data = this.media.get(id);
    if (!data) throw new Error(`downloadMedia: no media found for message id "${id}".`);
    return data;
  };
  close = async () => {
    this.closeCalls++;
    if (this.closeHangs) return new Promise<boolean>(() => undefined);
    await this.browser.close();
    return true;
  };

  /** WhatsApp delivers a message to the driver's onMessage listeners. */
  deliver(message: Partial<WppMessage> & Record<string, unknown>): void {
    for (const h of [...this.messageHandlers]) h(message as WppMessage);
  }
  ack(ack: WppAck): void {
    for (const h of [...this.ackHandlers]) h(ack);
  }
  state(state: string): void {
    for (const h of [...this.stateHandlers]) h(state);
  }
  #maybeFail(): void {
    const failure = this.failNextSend;
    this.failNextSend = null;
    if (failure) throw failure;
  }
}

/** How the fake `create()` logs in. */
export type LoginMode = 'restored' | 'qr' | 'fail';

/** The fake wppconnect: `launchBrowser` and `createClient` the driver is given in tests. */
export class FakeWpp {
  readonly browsers: FakeBrowser[] = [];
  readonly clients: FakeWppClient[] = [];
  readonly createOptions: WppCreateOptions[] = [];
  login: LoginMode = 'restored';
  #pendingScan: Array<() => void> = [];

  launchBrowser: LaunchBrowser = async (options) => {
    const browser = new FakeBrowser(options);
    this.browsers.push(browser);
    return browser;
  };

  createClient: CreateClient = async (options) => {
    this.createOptions.push(options);
    const browser = options.browser as FakeBrowser;
    const client = new FakeWppClient(browser);
    this.clients.push(client);
    if (this.login === 'fail') throw new Error('net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com');
    if (this.login === 'qr') {
      options.statusFind('notLogged', options.session);
      options.catchQR('iVBORw0KGgoAAAANSUhEUg', 'ascii-art', 1, `2@qr-value-${this.createOptions.length}`);
      await new Promise<void>((resolve, reject) => {
        this.#pendingScan.push(resolve);
        browser.on('disconnected', () => reject(new Error('Page Closed')));
      });
      options.statusFind('qrReadSuccess', options.session);
    } else {
      options.statusFind('isLogged', options.session);
    }
    options.statusFind('inChat', options.session);
    return client;
  };

  /** The user scans the QR. */
  scan(): void {
    for (const resolve of this.#pendingScan.splice(0)) resolve();
  }

  get client(): FakeWppClient {
    const c = this.clients.at(-1);
    if (!c) throw new Error('no client yet');
    return c;
  }

  get browser(): FakeBrowser {
    const b = this.browsers.at(-1);
    if (!b) throw new Error('no browser yet');
    return b;
  }
}

/** A wppconnect `Message` as WhatsApp Web serializes it (shape per the fact sheet §3a). */
export function wppMessage(over: Partial<WppMessage> & Record<string, unknown> = {}): WppMessage & Record<string, unknown> {
  const from = (over.from as string | undefined) ?? '201001234567@c.us';
  return {
    id: `false_${from}_3EB0C0FFEE${Math.random().toString(16).slice(2, 8).toUpperCase()}`,
    body: 'hello',
    type: 'chat',
    t: 1_767_603_600,
    notifyName: 'Ahmed',
    from,
    to: '201112223334@c.us',
    self: 'in',
    ack: 1,
    isNewMsg: true,
    fromMe: false,
    isGroupMsg: false,
    isMedia: false,
    isNotification: false,
    broadcast: false,
    sender: { id: from, pushname: 'Ahmed', isBusiness: false },
    chatId: from,
    quotedMsgId: null,
    ...over,
  } as WppMessage & Record<string, unknown>;
}
