import type { ContactCard, MediaKind, MessageContent } from '../domain/message-content.js';

/**
 * The fields of a WhatsApp-Web message model that decide its content. WPPConnect's `Message`
 * (and the `onmessage` webhook of WPPConnect Server) and whatsapp-web.js's `message._data` are
 * both serializations of WhatsApp Web's own `Msg` model, so they share these names.
 */
export interface WebMessageFields {
  type?: unknown;
  body?: unknown;
  caption?: unknown;
  mimetype?: unknown;
  filename?: unknown;
  size?: unknown;
  /** Base64 sha256 of the plaintext file. */
  filehash?: unknown;
  lat?: unknown;
  lng?: unknown;
  /** Location description: name, then address on the next line. */
  loc?: unknown;
  clientUrl?: unknown;
  vcardList?: unknown;
  vcardFormattedName?: unknown;
  selectedButtonId?: unknown;
  selectedId?: unknown;
  listResponse?: unknown;
  isNotification?: unknown;
}

const MEDIA_KINDS: Readonly<Record<string, MediaKind>> = {
  image: 'image',
  video: 'video',
  audio: 'audio',
  ptt: 'voice',
  document: 'document',
  sticker: 'sticker',
};

/**
 * Message types that are not something a customer said: encryption/security notices, group
 * notifications, protocol messages, call logs, placeholders for messages still being decrypted
 * (`ciphertext`: the real message follows) and deletions (`revoked`). Drivers drop them.
 */
export const WEB_SYSTEM_MESSAGE_TYPES: ReadonlySet<string> = new Set([
  'e2e_notification',
  'notification',
  'notification_template',
  'gp2',
  'broadcast_notification',
  'protocol',
  'call_log',
  'ciphertext',
  'revoked',
  'debug',
]);

/** True for messages drivers should not emit (see {@link WEB_SYSTEM_MESSAGE_TYPES}). */
export function isWebSystemMessage(message: WebMessageFields): boolean {
  return message.isNotification === true || (typeof message.type === 'string' && WEB_SYSTEM_MESSAGE_TYPES.has(message.type));
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);
const num = (value: unknown): number | undefined => {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

/**
 * Normalized content of a WhatsApp-Web message. Media carry `providerRef` (the engine's message
 * id, given by the caller) for `Driver.downloadMedia`; anything not representable becomes
 * `unsupported` with the raw message kept.
 */
export function contentFromWebMessage(message: WebMessageFields, options: { providerRef: string; raw?: unknown }): MessageContent {
  const type = typeof message.type === 'string' ? message.type : 'unknown';
  const unsupported: MessageContent = { type: 'unsupported', providerType: type, raw: options.raw ?? message };
  const kind = MEDIA_KINDS[type];
  if (kind) {
    const caption = kind === 'audio' || kind === 'voice' || kind === 'sticker' ? undefined : str(message.caption);
    const filename = str(message.filename);
    const mimeType = str(message.mimetype);
    const size = num(message.size);
    const sha256 = str(message.filehash);
    return {
      type: 'media',
      kind,
      providerRef: options.providerRef,
      ...(mimeType ? { mimeType } : {}),
      ...(size !== undefined && size >= 0 ? { size: Math.round(size) } : {}),
      ...(caption ? { caption } : {}),
      ...(filename ? { filename } : {}),
      ...(sha256 ? { sha256 } : {}),
    };
  }
  switch (type) {
    case 'chat': {
      const text = typeof message.body === 'string' ? message.body : '';
      return text.trim() === '' ? unsupported : { type: 'text', text };
    }
    case 'location': {
      const latitude = num(message.lat);
      const longitude = num(message.lng);
      if (latitude === undefined || longitude === undefined || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return unsupported;
      const [name, ...rest] = (str(message.loc) ?? '').split('\n');
      const address = rest.join(', ').trim();
      const url = str(message.clientUrl);
      return {
        type: 'location',
        latitude,
        longitude,
        ...(name?.trim() ? { name: name.trim() } : {}),
        ...(address ? { address } : {}),
        ...(url ? { url } : {}),
      };
    }
    case 'vcard':
    case 'multi_vcard': {
      const cards = type === 'vcard' ? [message.body] : Array.isArray(message.vcardList) ? message.vcardList.map((c) => (c as { vcard?: unknown })?.vcard) : [];
      const contacts = cards.flatMap((card) => {
        const parsed = typeof card === 'string' ? parseVCard(card) : null;
        return parsed ? [parsed] : [];
      });
      return contacts.length > 0 ? { type: 'contacts', contacts } : unsupported;
    }
    case 'buttons_response': {
      const id = str(message.selectedButtonId);
      const title = str(message.body) ?? id;
      return id && title ? { type: 'interactive_reply', kind: 'button', id, title } : unsupported;
    }
    case 'template_button_reply': {
      const id = str(message.selectedId) ?? str(message.selectedButtonId);
      const title = str(message.body) ?? id;
      return id && title ? { type: 'interactive_reply', kind: 'template_button', id, title } : unsupported;
    }
    case 'list_response': {
      const list = (message.listResponse ?? {}) as { title?: unknown; description?: unknown; singleSelectReply?: { selectedRowId?: unknown } };
      const id = str(list.singleSelectReply?.selectedRowId);
      const title = str(list.title) ?? str(message.body) ?? id;
      const description = str(list.description);
      return id && title ? { type: 'interactive_reply', kind: 'list', id, title, ...(description ? { description } : {}) } : unsupported;
    }
    default:
      return unsupported;
  }
}

/**
 * The name, phones, emails and organization of one vCard (3.0/4.0 as WhatsApp sends them:
 * `TEL;type=CELL;waid=201001234567:+20 100 123 4567`). Null when it has no name and no phone.
 * Hand-written: only these four properties are needed, not a vCard library in core.
 */
export function parseVCard(text: string): ContactCard | null {
  const lines = text.replace(/\r\n/g, '\n').replace(/\n[ \t]/g, '').split('\n');
  let name: string | undefined;
  let structured: string | undefined;
  let organization: string | undefined;
  const phones: ContactCard['phones'] = [];
  const emails: string[] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const [prop = '', ...params] = line.slice(0, colon).split(';');
    const value = unescape(line.slice(colon + 1).trim());
    const property = prop.replace(/^item\d+\./i, '').toUpperCase();
    if (!value) continue;
    if (property === 'FN') name = value;
    else if (property === 'N') structured = value.split(';').filter(Boolean).reverse().join(' ').trim();
    else if (property === 'ORG') organization = value.split(';').filter(Boolean).join(', ');
    else if (property === 'EMAIL') emails.push(value);
    else if (property === 'TEL') {
      const waId = params.map((p) => /^waid=(\d+)$/i.exec(p)?.[1]).find(Boolean);
      const type = params.map((p) => /^type=(.+)$/i.exec(p)?.[1]).find(Boolean);
      phones.push({ phone: value, ...(waId ? { waId } : {}), ...(type ? { type: type.toUpperCase() } : {}) });
    }
  }
  const fullName = name ?? structured ?? phones[0]?.phone;
  if (!fullName) return null;
  return { name: fullName, phones, ...(emails.length ? { emails } : {}), ...(organization ? { organization } : {}) };
}

function unescape(value: string): string {
  return value.replace(/\\([,;:\\nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}
