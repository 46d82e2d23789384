/**
 * Webhook payloads shaped like fact sheet §1.7 / §1.8 / §1.13, serialized the way Meta sends
 * them (compact JSON, non-ASCII escaped as lower-case `\uXXXX`) and signed with the app secret.
 */
import { escapeNonAscii, signatureFor } from '../../src/index.js';
import { APP_SECRET, PHONE_ID, WABA_ID } from './fake-graph.js';

export const WEBHOOK_URL = 'https://desk.example.com/webhooks/cloud';
/** 2026-01-05T09:00:00Z, ManualClock's default start. */
export const TS = '1767603600';

type Json = Record<string, unknown>;

export function contact(waId: string | undefined, name: string, userId?: string): Json {
  return { profile: { name }, ...(waId ? { wa_id: waId } : {}), ...(userId ? { user_id: userId } : {}) };
}

export function messagesValue(input: { phoneNumberId?: string; contacts?: Json[]; messages?: Json[]; statuses?: Json[]; errors?: Json[] }): Json {
  return {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550001234', phone_number_id: input.phoneNumberId ?? PHONE_ID },
    ...(input.contacts ? { contacts: input.contacts } : {}),
    ...(input.messages ? { messages: input.messages } : {}),
    ...(input.statuses ? { statuses: input.statuses } : {}),
    ...(input.errors ? { errors: input.errors } : {}),
  };
}

export function envelope(entries: Array<{ wabaId?: string; time?: number; changes: Array<{ field: string; value: Json }> }>): Json {
  return {
    object: 'whatsapp_business_account',
    entry: entries.map((e) => ({ id: e.wabaId ?? WABA_ID, ...(e.time !== undefined ? { time: e.time } : {}), changes: e.changes })),
  };
}

/** A `messages` webhook with one change. */
export function messagesWebhook(input: Parameters<typeof messagesValue>[0]): Json {
  return envelope([{ changes: [{ field: 'messages', value: messagesValue(input) }] }]);
}

export function textMessage(id: string, from: string, body: string, extra: Json = {}): Json {
  return { from, id, timestamp: TS, type: 'text', text: { body }, ...extra };
}

export function status(id: string, value: 'sent' | 'delivered' | 'read' | 'failed', recipient: string, extra: Json = {}): Json {
  return { id, status: value, timestamp: TS, recipient_id: recipient, ...extra };
}

export const PRICING = { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' };
export const CONVERSATION = { id: 'CONVERSATION_ID', expiration_timestamp: '1767690000', origin: { type: 'utility' } };

/** JSON as Meta serializes it: compact, non-ASCII as lower-case `\uXXXX`. */
export function metaJson(payload: unknown): string {
  return escapeNonAscii(JSON.stringify(payload));
}

export function signedRequest(body: string | Uint8Array, options: { secret?: string; signature?: string | null; url?: string } = {}): Request {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const signature = options.signature === undefined ? signatureFor(body, options.secret ?? APP_SECRET) : options.signature;
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  return new Request(options.url ?? WEBHOOK_URL, { method: 'POST', headers, body: body as BodyInit });
}

/** Serialize like Meta and sign with the app secret. */
export function metaRequest(payload: unknown, options: { secret?: string; url?: string } = {}): Request {
  return signedRequest(metaJson(payload), options);
}

export function handshake(query: Record<string, string>, url = WEBHOOK_URL): Request {
  const u = new URL(url);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  return new Request(u, { method: 'GET' });
}
