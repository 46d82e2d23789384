import { serializeMessageId } from './chat-ids.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** `remote` is a string or a wid object `{ _serialized }` in whatsapp-web.js data. */
function widString(v: unknown): string | undefined {
  return str(v) ?? (isObj(v) ? str(v._serialized) : undefined);
}

/**
 * The serialized message id (`true_<chat>_<id>`) from a WAHA send response. Engines answer
 * differently (WAHA issue #760): a `WAMessage` with a string `id`; whatsapp-web.js data with
 * `id: { _serialized }` (possibly under `_data`); Baileys-style NOWEB data with
 * `key: { remoteJid, fromMe, id }`. Returns undefined when none of these is present.
 */
export function providerMessageIdFrom(body: unknown, chatId: string, depth = 0): string | undefined {
  if (!isObj(body) || depth > 1) return undefined;
  const id = body.id;
  if (str(id)) return id as string;
  if (isObj(id)) {
    const serialized = str(id._serialized);
    if (serialized) return serialized;
    const short = str(id.id);
    if (short) return serializeMessageId(id.fromMe !== false, widString(id.remote) ?? chatId, short);
  }
  if (isObj(body.key)) {
    const short = str(body.key.id);
    if (short) return serializeMessageId(body.key.fromMe !== false, str(body.key.remoteJid) ?? chatId, short);
  }
  return providerMessageIdFrom(body._data, chatId, depth + 1);
}
