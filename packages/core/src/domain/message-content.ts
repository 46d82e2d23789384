/**
 * The content of one WhatsApp message, independent of the provider. Drivers translate inbound
 * payloads into it and outbound content out of it. Anything a driver cannot represent arrives
 * as `unsupported` with the raw provider payload, so nothing is silently dropped.
 */
export type MessageContent =
  | TextContent
  | MediaContent
  | LocationContent
  | ContactsContent
  | InteractiveReplyContent
  | ButtonsContent
  | ListContent
  | ReactionContent
  | TemplateContent
  | UnsupportedContent;

export type MessageContentType = MessageContent['type'];

export interface TextContent {
  type: 'text';
  /** The text, at most 4096 characters. */
  text: string;
  /** Ask the provider to render a preview of the first link (outbound only). */
  previewUrl?: boolean;
}

/** `voice` is a recorded voice note (PTT); `audio` an audio file. */
export type MediaKind = 'image' | 'video' | 'audio' | 'voice' | 'document' | 'sticker';

export interface MediaContent {
  type: 'media';
  kind: MediaKind;
  mimeType?: string;
  /** Size in bytes, when the provider says. */
  size?: number;
  caption?: string;
  /** Documents: the file name shown to the recipient. */
  filename?: string;
  /** Hex or base64 digest as given by the provider (Cloud API: base64 sha256). */
  sha256?: string;
  /**
   * Inbound: the driver's own reference for fetching the bytes on demand through
   * `Driver.downloadMedia` (Cloud API media id, WAHA file URL, ...). Outbound: an uploaded
   * media id the provider already holds.
   */
  providerRef?: string;
  /** Outbound: a public HTTPS URL the provider fetches. */
  url?: string;
  /** Outbound: the bytes, base64-encoded, for drivers that accept inline data. */
  data?: string;
}

export interface LocationContent {
  type: 'location';
  latitude: number;
  longitude: number;
  name?: string;
  address?: string;
  url?: string;
}

export interface ContactCard {
  /** Formatted full name. */
  name: string;
  phones: Array<{ phone: string; waId?: string; type?: string }>;
  emails?: string[];
  organization?: string;
}

export interface ContactsContent {
  type: 'contacts';
  contacts: ContactCard[];
}

/** A customer tapped a reply button, a list row, or a template's quick-reply button. */
export interface InteractiveReplyContent {
  type: 'interactive_reply';
  kind: 'button' | 'list' | 'template_button';
  /** The id (or template button payload) we set when sending. */
  id: string;
  /** The label the customer saw. */
  title: string;
  description?: string;
}

/** Outbound reply buttons (1–3). */
export interface ButtonsContent {
  type: 'buttons';
  body: string;
  header?: string;
  footer?: string;
  buttons: Array<{ id: string; title: string }>;
}

/** Outbound list message. */
export interface ListContent {
  type: 'list';
  body: string;
  header?: string;
  footer?: string;
  /** The label of the button that opens the list. */
  buttonLabel: string;
  sections: Array<{ title?: string; rows: Array<{ id: string; title: string; description?: string }> }>;
}

export interface ReactionContent {
  type: 'reaction';
  /** The provider id of the message reacted to. */
  targetProviderMessageId: string;
  /** The emoji, or `null` when the reaction was removed. */
  emoji: string | null;
}

/** One parameter of a provider (approved) template, in the provider's send shape. */
export type TemplateParameter =
  | { type: 'text'; text: string; parameterName?: string }
  | { type: 'currency'; fallbackValue: string; code: string; amount1000: number; parameterName?: string }
  | { type: 'date_time'; fallbackValue: string; parameterName?: string }
  | { type: 'image' | 'video' | 'document'; url?: string; providerRef?: string; filename?: string }
  | { type: 'location'; latitude: number; longitude: number; name?: string; address?: string }
  | { type: 'payload'; payload: string }
  | { type: 'coupon_code'; couponCode: string };

export type TemplateComponent =
  | { type: 'header'; parameters: TemplateParameter[] }
  | { type: 'body'; parameters: TemplateParameter[] }
  | { type: 'button'; subType: 'quick_reply' | 'url' | 'copy_code' | 'flow' | 'catalog'; index: number; parameters: TemplateParameter[] };

/** An approved provider template (the only content allowed outside a service window). */
export interface TemplateContent {
  type: 'template';
  name: string;
  /** Language code of an approved translation, e.g. `en_US`, `ar`. */
  language: string;
  components: TemplateComponent[];
}

export interface UnsupportedContent {
  type: 'unsupported';
  /** The provider's own type name (e.g. `order`, `poll_creation`). */
  providerType: string;
  /** The provider payload, kept so nothing is lost. */
  raw: unknown;
  /** The provider's error, when it sent one (Cloud API 131051). */
  error?: { code: string; message: string };
}

/** The content kinds a customer-service window allows outside the window. */
export function isWindowExempt(content: MessageContent): boolean {
  return content.type === 'template';
}

/** A short human-readable preview of any content (for logs, inbox lists, search). */
export function previewContent(content: MessageContent): string {
  switch (content.type) {
    case 'text':
      return content.text;
    case 'media':
      return content.caption ?? `[${content.kind}${content.filename ? `: ${content.filename}` : ''}]`;
    case 'location':
      return `[location${content.name ? `: ${content.name}` : ''}]`;
    case 'contacts':
      return `[contact: ${content.contacts.map((c) => c.name).join(', ')}]`;
    case 'interactive_reply':
      return content.title;
    case 'buttons':
    case 'list':
      return content.body;
    case 'reaction':
      return content.emoji ?? '[reaction removed]';
    case 'template':
      return `[template: ${content.name}]`;
    case 'unsupported':
      return `[unsupported: ${content.providerType}]`;
  }
}
