/**
 * `@switchboard/driver-waha`: a Switchboard driver for WAHA (WhatsApp HTTP API) sessions —
 * session lifecycle with QR, pairing code and FAILED-restart backoff; text, media, reactions,
 * seen and typing; HMAC-verified webhooks; phone ↔ chat id resolution.
 *
 * @packageDocumentation
 */
export { wahaDriver, WahaDriver, WAHA_WEBHOOK_EVENTS } from './waha-driver.js';
export type { WahaSessionControls } from './waha-driver.js';
export type { WahaDriverOptions, WahaEngine, WahaPacingOptions, WahaRecoveryOptions, WahaDispatcher } from './waha-options.js';
export type { WahaSessionInfo, WahaSessionStatus, WahaQrImage } from './waha-session-api.js';
export type { WahaSessionState } from './session-monitor.js';
export { connectionStateFor } from './session-monitor.js';
export { wahaSignature, verifyWahaSignature } from './webhook-signature.js';
export { typingDelayMs } from './pacing.js';
export { chatStorageKey } from './chat-resolver.js';
