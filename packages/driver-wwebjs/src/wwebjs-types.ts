/**
 * The subset of `whatsapp-web.js` this driver uses, declared structurally: the driver never
 * imports the library's types at runtime (Kysely style), and tests inject a fake library.
 * `test/vendor-types.test-d.ts` proves the real module (`Client`, `LocalAuth`, `RemoteAuth`,
 * `MessageMedia`, `Message`, `MessageAck`, `WAState`) fits these, so the fake cannot drift.
 */
import type { BrowserProcess } from '@switchboard/core';

/** `message.id` (`MessageId`). */
export interface WwebjsMessageId {
  _serialized: string;
  fromMe: boolean;
  remote: string;
}

/** A whatsapp-web.js `Message`, as far as the driver reads it. */
export interface WwebjsMessage {
  id: WwebjsMessageId;
  from: string;
  to: string;
  author?: string;
  body: string;
  type: string;
  /** Unix seconds. */
  timestamp: number;
  fromMe: boolean;
  hasMedia: boolean;
  isStatus: boolean;
  broadcast: boolean;
  /** WhatsApp Web's own message model (`_data`): caption, mimetype, lat/lng, vcardList, notifyName… */
  rawData: object;
  downloadMedia: () => Promise<WwebjsMedia | undefined>;
}

/** A `MessageMedia` instance. */
export interface WwebjsMedia {
  mimetype: string;
  /** Base64. */
  data: string;
  filename?: string | null;
  filesize?: number | null;
}

/** Options of `sendMessage` the driver sets (`MessageSendOptions`). */
export interface WwebjsSendOptions {
  caption?: string;
  quotedMessageId?: string;
  sendAudioAsVoice?: boolean;
  sendMediaAsDocument?: boolean;
  linkPreview?: boolean;
}

/** The `puppeteer` part of `ClientOptions` the driver builds. */
export interface WwebjsPuppeteerOptions {
  executablePath: string;
  headless: boolean | 'shell';
  args: string[];
}

/**
 * A `LocalAuth` / `RemoteAuth` instance (whatsapp-web.js `AuthStrategy`). The driver only passes
 * it to the client; the members are listed so the type matches the library's in both directions.
 */
export interface WwebjsAuthStrategy {
  setup(client: unknown): void;
  beforeBrowserInitialized(): Promise<void>;
  afterBrowserInitialized(): Promise<void>;
  onAuthenticationNeeded(): Promise<{ failed?: boolean; restart?: boolean; failureEventPayload?: unknown }>;
  getAuthEventPayload(): Promise<unknown>;
  afterAuthReady(): Promise<void>;
  disconnect(): Promise<void>;
  destroy(): Promise<void>;
  logout(): Promise<void>;
}

export interface WwebjsClientOptions {
  authStrategy?: WwebjsAuthStrategy;
  puppeteer?: WwebjsPuppeteerOptions;
  qrMaxRetries?: number;
  takeoverOnConflict?: boolean;
  deviceName?: string;
  webVersion?: string;
}

/** The Puppeteer browser a client runs (`client.pupBrowser`). */
export interface WwebjsBrowser {
  process: () => BrowserProcess | null;
}

/** The chat object used for the typing indicator. */
export interface WwebjsChat {
  sendStateTyping: () => Promise<void>;
  clearState: () => Promise<unknown>;
}

/** The whatsapp-web.js `Client`, as far as the driver uses it. */
export interface WwebjsClient {
  on(event: 'qr', listener: (qr: string) => void): unknown;
  on(event: 'authenticated' | 'ready', listener: () => void): unknown;
  on(event: 'auth_failure', listener: (message: string) => void): unknown;
  on(event: 'message', listener: (message: WwebjsMessage) => void): unknown;
  on(event: 'message_ack', listener: (message: WwebjsMessage, ack: number) => void): unknown;
  on(event: 'disconnected', listener: (reason: string) => void): unknown;
  on(event: 'change_state', listener: (state: string) => void): unknown;
  removeAllListeners: () => unknown;
  initialize: () => Promise<void>;
  destroy: () => Promise<void>;
  getState: () => Promise<string | null>;
  sendMessage: (chatId: string, content: string | WwebjsMedia, options?: WwebjsSendOptions) => Promise<WwebjsMessage>;
  sendSeen: (chatId: string) => Promise<boolean>;
  getNumberId: (number: string) => Promise<{ _serialized: string } | null>;
  getMessageById: (messageId: string) => Promise<WwebjsMessage>;
  getChatById: (chatId: string) => Promise<WwebjsChat>;
  pupBrowser?: WwebjsBrowser | null;
  info?: { wid: { _serialized: string } } | null;
}

/** The RemoteAuth `Store` interface: zip files handed over by path. */
export interface RemoteAuthStore {
  sessionExists: (options: { session: string }) => Promise<boolean>;
  save: (options: { session: string }) => Promise<void>;
  extract: (options: { session: string; path: string }) => Promise<void>;
  delete: (options: { session: string }) => Promise<void>;
}

/** The parts of the `whatsapp-web.js` module the driver constructs. */
export interface WwebjsLibrary {
  Client: new (options: WwebjsClientOptions) => WwebjsClient;
  LocalAuth: new (options?: { clientId?: string; dataPath?: string }) => WwebjsAuthStrategy;
  RemoteAuth: new (options: { store: RemoteAuthStore; clientId?: string; dataPath?: string; backupSyncIntervalMs: number }) => WwebjsAuthStrategy;
  MessageMedia: {
    new (mimetype: string, data: string, filename?: string | null): WwebjsMedia;
    fromUrl: (url: string, options?: { unsafeMime?: boolean; filename?: string }) => Promise<WwebjsMedia>;
  };
}
