/**
 * `@switchboard/driver-wppconnect`: WhatsApp through WPPConnect, either the
 * `@wppconnect-team/wppconnect` library in this process (`mode: 'library'`, Debian Chromium) or a
 * WPPConnect Server over REST and webhooks (`mode: 'server'`).
 *
 * @packageDocumentation
 */
export { wppconnectDriver } from './wppconnect-driver.js';
export type { WppconnectDriverOptions, WppconnectLibraryOptions, WppconnectServerOptions, TypingOptions } from './wppconnect-driver.js';
export { WppconnectLibraryDriver } from './library/library-driver.js';
export { WppconnectServerDriver } from './server/server-driver.js';
export { folderSessionStore, switchboardSessionStore, SESSION_PROFILE_PATHS, SESSION_SNAPSHOT_KEY } from './library/session-store.js';
export type { WppSessionStore, SessionScope, FolderSessionStoreOptions, SwitchboardSessionStoreOptions } from './library/session-store.js';
export { SAFE_CHROMIUM_FLAGS } from '@switchboard/core';
export { buildLaunchOptions, launchWithWppconnectPuppeteer, createWithWppconnect } from './library/launch.js';
export type { WppLaunchOptions, WppCreateOptions, LaunchBrowser, CreateClient, LaunchSettings } from './library/launch.js';
export type { WppClient, WppBrowser, WppMessage, WppAck, WppNumberStatus, WppFileOptions, WppDisposable, WppStatusFind } from './library/wpp-client.js';
export { meaningOfStatusFind, receivedFromMessage, statusFromAckEvent } from './inbound.js';
export { WEBHOOK_SECRET_HEADER, WEBHOOK_SECRET_PARAM, webhookUrlWithSecret } from './server/webhook-secret.js';
export { errorFromResponse } from './server/server-api.js';
