import type { ContactCard, MediaKind, MessageContent } from '@switchboard/core';
import { parseVCard } from './vcard.js';

/** The `WAMessage` fields of `message` / `message.any` payloads this driver reads. */
export interface WaMessagePayload {
  id: string;
  /** Unix seconds (fractional in some engines). */
  timestamp?: number;
  from?: string | null;
  to?: string | null;
  fromMe?: boolean;
  source?: string;
  participant?: string | null;
  author?: string | null;
  body?: string | null;
  hasMedia?: boolean;
  media?: { url?: string | null; mimetype?: string | null; filename?: string | null; error?: unknown } | null;
  /** Deprecated alias of `media.url`. */
  mediaUrl?: string | null;
  location?: { latitude?: unknown; longitude?: unknown; name?: unknown; address?: unknown; url?: unknown; description?: unknown } | null;
  vCards?: string[] | null;
  replyTo?: { id?: string | null } | null;
  /** Raw engine data: engine-specific and unstable, read defensively. */
  _data?: unknown;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/** The sender's profile name from engine data: WEBJS `notifyName`, NOWEB `pushName`, GOWS `Info.PushName`. */
export function pushNameOf(payload: WaMessagePayload): string | undefined {
  const data = obj(payload._data);
  return str(data?.notifyName) ?? str(data?.pushName) ?? str(obj(data?.Info)?.PushName);
}

/** The engine's own message type (WEBJS `type`, e.g. `ptt`, `sticker`, `poll_creation`), when it says. */
function engineType(payload: WaMessagePayload): string | undefined {
  return str(obj(payload._data)?.type);
}

/** The Baileys/whatsmeow message object inside `_data` (NOWEB `message`, GOWS `Message`). */
function protoMessage(payload: WaMessagePayload): Obj | undefined {
  const data = obj(payload._data);
  return obj(data?.message) ?? obj(data?.Message);
}

function isVoiceNote(payload: WaMessagePayload, mimetype: string | undefined): boolean {
  if (engineType(payload) === 'ptt') return true;
  const audio = obj(protoMessage(payload)?.audioMessage);
  if (audio && (audio.ptt === true || audio.PTT === true)) return true;
  if (engineType(payload) === 'audio' || audio) return false;
  // No engine hint: WhatsApp voice notes are Opus in Ogg, audio files rarely are.
  return !!mimetype && /^audio\/ogg/i.test(mimetype);
}

/** Media kind from the engine's type hints, else the MIME type. */
export function mediaKindOf(payload: WaMessagePayload, mimetype: string | undefined): MediaKind {
  const type = engineType(payload);
  const proto = protoMessage(payload);
  if (type === 'sticker' || proto?.stickerMessage) return 'sticker';
  const mime = mimetype?.toLowerCase() ?? '';
  if (type === 'ptt' || type === 'audio' || mime.startsWith('audio/')) return isVoiceNote(payload, mimetype) ? 'voice' : 'audio';
  if (type === 'image' || mime.startsWith('image/')) return 'image';
  if (type === 'video' || mime.startsWith('video/')) return 'video';
  return 'document';
}

/**
 * Normalizes a `WAMessage` into core content: location, contact cards, media (its WAHA file URL
 * becomes `providerRef` for `downloadMedia`), text; anything else is `unsupported` with the raw
 * payload. Media WAHA did not download (`hasMedia` without `media.url`) keeps no `providerRef`.
 */
export function contentFromMessage(payload: WaMessagePayload): MessageContent {
  const body = typeof payload.body === 'string' ? payload.body : '';
  const location = payload.location;
  if (location && typeof location.latitude === 'number' && typeof location.longitude === 'number') {
    const name = str(location.name) ?? str(location.description);
    return {
      type: 'location',
      latitude: location.latitude,
      longitude: location.longitude,
      ...(name ? { name } : {}),
      ...(str(location.address) ? { address: location.address as string } : {}),
      ...(str(location.url) ? { url: location.url as string } : {}),
    };
  }
  if (Array.isArray(payload.vCards) && payload.vCards.length > 0) {
    const contacts = payload.vCards.map((v) => (typeof v === 'string' ? parseVCard(v) : null)).filter((c): c is ContactCard => c !== null);
    if (contacts.length > 0) return { type: 'contacts', contacts };
  }
  if (payload.hasMedia || payload.media) {
    const media = payload.media ?? undefined;
    const mimetype = str(media?.mimetype);
    const url = media?.error ? undefined : (str(media?.url) ?? str(payload.mediaUrl));
    const kind = mediaKindOf(payload, mimetype);
    return {
      type: 'media',
      kind,
      ...(mimetype ? { mimeType: mimetype } : {}),
      ...(body && kind !== 'audio' && kind !== 'voice' && kind !== 'sticker' ? { caption: body } : {}),
      ...(str(media?.filename) ? { filename: media?.filename as string } : {}),
      ...(url ? { providerRef: url } : {}),
    };
  }
  if (body) return { type: 'text', text: body };
  return { type: 'unsupported', providerType: engineType(payload) ?? 'unknown', raw: payload };
}
