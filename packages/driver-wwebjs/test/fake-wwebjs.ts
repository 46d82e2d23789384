import { EventEmitter } from 'node:events';
import type {
  RemoteAuthStore,
  WwebjsAuthStrategy,
  WwebjsBrowser,
  WwebjsChat,
  WwebjsClient,
  WwebjsClientOptions,
  WwebjsLibrary,
  WwebjsMedia,
  WwebjsMessage,
  WwebjsSendOptions,
} from '../src/wwebjs-types.js';

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
    if (!this.alive) return;
    this.exitCode = code;
    this.signalCode = signal;
    this.emit('exit', code, signal);
  }
  get alive(): boolean {
    return this.exitCode === null && this.signalCode === null;
  }
}

export class FakeBrowser implements WwebjsBrowser {
  readonly proc = new FakeProcess();
  exitsOnClose = true;
  process = () => this.proc;
  isConnected = () => this.proc.alive;
  async close(): Promise<void> {
    if (this.exitsOnClose) this.proc.exit(0, null);
  }
}

class FakeAuthStrategy implements WwebjsAuthStrategy {
  setup(): void {}
  async beforeBrowserInitialized(): Promise<void> {}
  async afterBrowserInitialized(): Promise<void> {}
  async onAuthenticationNeeded() {
    return { failed: false, restart: false };
  }
  async getAuthEventPayload(): Promise<unknown> {
    return undefined;
  }
  async afterAuthReady(): Promise<void> {}
  async disconnect(): Promise<void> {}
  async destroy(): Promise<void> {}
  async logout(): Promise<void> {}
}

export type StartBehavior = 'ready' | 'qr' | 'fail';

export interface FakeWwebjs {
  lib: WwebjsLibrary;
  clients: FakeClient[];
  localAuth: Array<{ clientId?: string; dataPath?: string }>;
  remoteAuth: Array<{ store: RemoteAuthStore; clientId?: string; dataPath?: string; backupSyncIntervalMs: number }>;
  /** How the next clients start. */
  behavior: StartBehavior;
  readonly client: FakeClient;
}

/** A whatsapp-web.js `Client` stand-in implementing what the driver uses (see the type test). */
export interface FakeClient extends WwebjsClient {
  options: WwebjsClientOptions;
  pupBrowser: FakeBrowser | null;
  sent: Array<{ chatId: string; content: string | WwebjsMedia; options?: WwebjsSendOptions }>;
  lookups: string[];
  seen: string[];
  typing: string[];
  numbers: Map<string, string | null>;
  messages: Map<string, WwebjsMessage>;
  state: string;
  failNextState: string | null;
  failNextSend: unknown;
  destroyHangs: boolean;
  destroyCalls: number;
  scan(): void;
  emit(event: string, ...args: unknown[]): boolean;
}

export function fakeWwebjs(): FakeWwebjs {
  const state = {
    clients: [] as FakeClient[],
    localAuth: [] as FakeWwebjs['localAuth'],
    remoteAuth: [] as FakeWwebjs['remoteAuth'],
    behavior: 'ready' as StartBehavior,
  };

  class Client extends EventEmitter implements FakeClient {
    pupBrowser: FakeBrowser | null = null;
    info = { wid: { _serialized: '201112223334@c.us' } };
    sent: FakeClient['sent'] = [];
    lookups: string[] = [];
    seen: string[] = [];
    typing: string[] = [];
    numbers = new Map<string, string | null>();
    messages = new Map<string, WwebjsMessage>();
    state = 'CONNECTED';
    failNextState: string | null = null;
    failNextSend: unknown = null;
    destroyHangs = false;
    destroyCalls = 0;
    #behavior = state.behavior;
    #seq = 0;
    constructor(readonly options: WwebjsClientOptions) {
      super();
      state.clients.push(this);
    }
    initialize = async (): Promise<void> => {
      this.pupBrowser = new FakeBrowser();
      if (this.#behavior === 'fail') throw new Error('net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/');
      if (this.#behavior === 'qr') {
        this.emit('qr', `2@wwebjs-qr-${state.clients.length}`);
        return;
      }
      this.emit('authenticated');
      this.emit('ready');
    };
    scan(): void {
      this.emit('authenticated');
      this.emit('ready');
    }
    destroy = async (): Promise<void> => {
      this.destroyCalls++;
      if (this.destroyHangs) return new Promise<void>(() => undefined);
      await this.pupBrowser?.close();
    };
    getState = async () => {
      const s = this.failNextState ?? this.state;
      this.failNextState = null;
      return s;
    };
    getNumberId = async (id: string) => {
      this.lookups.push(id);
      const canonical = this.numbers.has(id) ? this.numbers.get(id)! : id;
      return canonical ? { _serialized: canonical, server: 'c.us', user: canonical.split('@')[0] } : null;
    };
    sendMessage = async (chatId: string, content: string | WwebjsMedia, options?: WwebjsSendOptions): Promise<WwebjsMessage> => {
      const failure = this.failNextSend;
      this.failNextSend = null;
      if (failure) throw failure;
      this.sent.push({ chatId, content, ...(options && Object.keys(options).length ? { options } : {}) });
      const serialized = `true_${chatId}_3EB0${(++this.#seq).toString(16).padStart(16, '0').toUpperCase()}`;
      return wwebjsMessage({ id: { _serialized: serialized, fromMe: true, remote: chatId }, from: '201112223334@c.us', to: chatId, fromMe: true, body: typeof content === 'string' ? content : '' });
    };
    sendSeen = async (chatId: string) => {
      this.seen.push(chatId);
      return true;
    };
    getMessageById = async (id: string) => {
      const m = this.messages.get(id);
      if (!m) throw new Error(`message ${id} not found`);
      return m;
    };
    getChatById = async (chatId: string): Promise<WwebjsChat> => ({
      sendStateTyping: async () => void this.typing.push(`typing:${chatId}`),
      clearState: async () => {
        this.typing.push(`clear:${chatId}`);
        return true;
      },
    });
  }

  class LocalAuth extends FakeAuthStrategy {
    constructor(options: { clientId?: string; dataPath?: string } = {}) {
      super();
      state.localAuth.push(options);
    }
  }

  class RemoteAuth extends FakeAuthStrategy {
    constructor(options: { store: RemoteAuthStore; clientId?: string; dataPath?: string; backupSyncIntervalMs: number }) {
      super();
      if (!options.backupSyncIntervalMs || options.backupSyncIntervalMs < 60000) throw new Error('Invalid backupSyncIntervalMs. Accepts values starting from 60000ms {1 minute}.');
      state.remoteAuth.push(options);
    }
  }

  class MessageMedia implements WwebjsMedia {
    constructor(
      readonly mimetype: string,
      readonly data: string,
      readonly filename?: string | null,
    ) {}
    static fromUrl = async (url: string, options?: { unsafeMime?: boolean; filename?: string }): Promise<WwebjsMedia> => {
      if (url.includes('missing')) throw new Error('Unable to fetch media');
      return new MessageMedia('image/jpeg', Buffer.from(`bytes of ${url}`).toString('base64'), options?.filename ?? 'a.jpg');
    };
  }

  const fake: FakeWwebjs = {
    lib: { Client, LocalAuth, RemoteAuth, MessageMedia },
    clients: state.clients,
    localAuth: state.localAuth,
    remoteAuth: state.remoteAuth,
    get behavior() {
      return state.behavior;
    },
    set behavior(b: StartBehavior) {
      state.behavior = b;
    },
    get client() {
      const c = state.clients.at(-1);
      if (!c) throw new Error('no client yet');
      return c;
    },
  };
  return fake;
}

/** A whatsapp-web.js `Message` (fact sheet §4.2), with WhatsApp Web's model in `rawData`. */
export function wwebjsMessage(over: Partial<WwebjsMessage> & { rawData?: Record<string, unknown> } = {}): WwebjsMessage {
  const from = over.from ?? '201001234567@c.us';
  const id = over.id ?? { _serialized: `false_${from}_3EB0${Math.random().toString(16).slice(2, 10).toUpperCase()}`, fromMe: false, remote: from };
  const type = over.type ?? 'chat';
  const body = over.body ?? 'hello';
  return {
    id,
    from,
    to: over.to ?? '201112223334@c.us',
    body,
    type,
    timestamp: over.timestamp ?? 1_767_603_600,
    fromMe: over.fromMe ?? false,
    hasMedia: over.hasMedia ?? false,
    isStatus: over.isStatus ?? false,
    broadcast: over.broadcast ?? false,
    ...(over.author ? { author: over.author } : {}),
    rawData: { id, type, body, t: over.timestamp ?? 1_767_603_600, from, notifyName: 'Ahmed', ...(over.rawData ?? {}) },
    downloadMedia: over.downloadMedia ?? (async () => undefined),
  };
}
