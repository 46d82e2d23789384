/**
 * `@switchboard/driver-wwebjs`: WhatsApp through whatsapp-web.js (WhatsApp Web in Debian's
 * Chromium), with `LocalAuth` or a `RemoteAuth` store kept in the Switchboard store.
 *
 * @packageDocumentation
 */
export { wwebjsDriver, WwebjsDriver } from './wwebjs-driver.js';
export type { WwebjsDriverOptions, LocalAuthOptions, RemoteAuthOptions } from './wwebjs-driver.js';
export { switchboardRemoteAuthStore, remoteAuthKey, remoteAuthWithCompleteRestore } from './remote-auth-store.js';
export type { SwitchboardRemoteAuthStoreOptions } from './remote-auth-store.js';
export { receivedFromWwebjs, statusFromWwebjsAck } from './inbound.js';
export { SAFE_CHROMIUM_FLAGS } from '@switchboard/core';
export type {
  WwebjsClient,
  WwebjsLibrary,
  WwebjsMessage,
  WwebjsMedia,
  WwebjsBrowser,
  WwebjsChat,
  WwebjsClientOptions,
  WwebjsPuppeteerOptions,
  WwebjsSendOptions,
  WwebjsAuthStrategy,
  RemoteAuthStore,
} from './wwebjs-types.js';
