/**
 * The subset of `@wppconnect-team/wppconnect` this driver uses, declared structurally so the
 * driver never imports the library's types at runtime (Kysely style) and tests can inject a fake.
 * `test/vendor-types.test-d.ts` proves the real `Whatsapp` client, `Message`, `Ack` and Puppeteer
 * `Browser` are assignable to these, so a fake written against them cannot drift from the library.
 *
 * Members are function-typed properties (not methods) on purpose: TypeScript then checks callback
 * parameters strictly, so `onMessage` only type-checks if the library's `Message` really has the
 * fields declared in {@link WppMessage}.
 */
import type { BrowserProcess, WebMessageFields } from '@switchboard/core';

/** What `onMessage`/`onAck`/`onStateChange` return. */
export interface WppDisposable {
  dispose: () => void;
}

/** A wppconnect `Message` (also the body of WPPConnect Server's `onmessage` webhook). */
export interface WppMessage extends WebMessageFields {
  /** Serialized id, e.g. `false_201001234567@c.us_3EB0…`. */
  id: string;
  /** The chat: the customer (`…@c.us` / `…@lid`) or a group. */
  from: string;
  /** Unix seconds. */
  t: number;
  fromMe: boolean;
  isGroupMsg: boolean;
  notifyName: string;
  broadcast: boolean;
  sender: { pushname?: string; verifiedName?: string } | null;
}

/** A wppconnect `Ack`: unlike `Message`, its `id` is an object. */
export interface WppAck {
  id: { _serialized: string; fromMe: boolean };
  ack: number;
  t: number;
}

/** `checkNumberStatus` result (`WhatsappProfile`). */
export interface WppNumberStatus {
  id: { _serialized: string };
  numberExists: boolean;
}

/** Options of `sendFile` this driver sets (wa-js `FileMessageOptions`). */
export interface WppFileOptions {
  type: 'image' | 'video' | 'audio' | 'document' | 'sticker';
  filename?: string;
  caption?: string;
  mimetype?: string;
  quotedMsg?: string;
  /** With `type: 'audio'`: send as a recorded voice note. */
  isPtt?: boolean;
}

/** The wppconnect `Whatsapp` client, as far as this driver uses it. */
export interface WppClient {
  onMessage: (callback: (message: WppMessage) => void) => WppDisposable;
  onAck: (callback: (ack: WppAck) => void) => WppDisposable;
  onStateChange: (callback: (state: string) => void) => WppDisposable;
  getConnectionState: () => Promise<string>;
  checkNumberStatus: (contactId: string) => Promise<WppNumberStatus>;
  sendText: (to: string, content: string, options?: { quotedMsg?: string }) => Promise<{ id: string }>;
  sendFile: (to: string, pathOrBase64: string, options?: WppFileOptions) => Promise<unknown>;
  sendSeen: (chatId: string) => Promise<unknown>;
  startTyping: (to: string, duration?: number) => Promise<void>;
  stopTyping: (to: string) => Promise<void>;
  /** Downloads and decrypts a message's media; resolves to a `data:` URL. */
  downloadMedia: (messageId: string) => Promise<string>;
  /** Closes the page and the browser. */
  close: () => Promise<unknown>;
}

/** The Puppeteer `Browser` the driver launches and hands to wppconnect's `create({ browser })`. */
export interface WppBrowser {
  process: () => BrowserProcess | null;
  close: () => Promise<void>;
  on: (event: 'disconnected', handler: () => void) => unknown;
}

/** `statusFind` values (wppconnect `StatusFind`, plus the older `desconnectedMobile` spelling). */
export type WppStatusFind =
  | 'autocloseCalled'
  | 'browserClose'
  | 'desconnectedMobile'
  | 'disconnectedMobile'
  | 'inChat'
  | 'isLogged'
  | 'notLogged'
  | 'phoneNotConnected'
  | 'qrReadError'
  | 'qrReadFail'
  | 'qrReadSuccess'
  | 'serverClose';
