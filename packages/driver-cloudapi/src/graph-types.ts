/**
 * Graph API shapes the driver reads (fact sheet §1.4, §1.7, §1.8, §1.13). Webhook shapes are
 * what Meta may send, so every field is optional and checked at runtime; unknown fields are
 * tolerated.
 */
import type { GraphError } from './graph-errors.js';

/** `POST /{phone-number-id}/messages` answer. */
export interface GraphSendResponse {
  messaging_product?: 'whatsapp';
  contacts?: Array<{ input?: string; wa_id?: string; user_id?: string }>;
  messages?: Array<{ id?: string; message_status?: 'accepted' | 'held_for_quality_assessment' | string }>;
}

export interface WebhookPayload {
  object?: string;
  entry?: WebhookEntry[];
}

export interface WebhookEntry {
  /** WABA id. */
  id?: string;
  /** Unix seconds (template and account webhooks). */
  time?: number;
  changes?: WebhookChange[];
}

export interface WebhookChange {
  field?: string;
  value?: MessagesValue & TemplateStatusValue;
}

export interface WebhookContact {
  profile?: { name?: string; username?: string };
  wa_id?: string;
  user_id?: string;
  identity_key_hash?: string;
}

export interface MessagesValue {
  messaging_product?: string;
  metadata?: { display_phone_number?: string; phone_number_id?: string };
  contacts?: WebhookContact[];
  messages?: InboundMessage[];
  statuses?: StatusUpdate[];
  errors?: GraphError[];
}

export interface InboundMedia {
  id?: string;
  mime_type?: string;
  sha256?: string;
  caption?: string;
  filename?: string;
  url?: string;
  voice?: boolean;
  animated?: boolean;
}

export interface InboundMessage {
  from?: string;
  from_user_id?: string;
  id?: string;
  timestamp?: string;
  type?: string;
  group_id?: string;
  context?: { from?: string; id?: string; forwarded?: boolean; frequently_forwarded?: boolean; referred_product?: unknown };
  referral?: Record<string, unknown>;
  errors?: GraphError[];
  text?: { body?: string };
  image?: InboundMedia;
  video?: InboundMedia;
  audio?: InboundMedia;
  document?: InboundMedia;
  sticker?: InboundMedia;
  location?: { latitude?: number; longitude?: number; name?: string; address?: string; url?: string };
  contacts?: Array<{
    name?: { formatted_name?: string; first_name?: string; last_name?: string };
    phones?: Array<{ phone?: string; wa_id?: string; type?: string }>;
    emails?: Array<{ email?: string; type?: string }>;
    org?: { company?: string };
  }>;
  interactive?: {
    type?: string;
    button_reply?: { id?: string; title?: string };
    list_reply?: { id?: string; title?: string; description?: string };
    nfm_reply?: { name?: string; body?: string; response_json?: string };
  };
  button?: { text?: string; payload?: string };
  reaction?: { message_id?: string; emoji?: string };
  order?: unknown;
  system?: { body?: string; type?: string; wa_id?: string; user_id?: string };
  unsupported?: { type?: string };
}

export interface StatusUpdate {
  id?: string;
  status?: string;
  timestamp?: string;
  recipient_id?: string;
  recipient_type?: string;
  recipient_user_id?: string;
  biz_opaque_callback_data?: string;
  conversation?: unknown;
  pricing?: unknown;
  errors?: GraphError[];
}

/** `message_template_status_update` change value. */
export interface TemplateStatusValue {
  event?: string;
  message_template_id?: number | string;
  message_template_name?: string;
  message_template_language?: string;
  message_template_category?: string;
  reason?: string | null;
  disable_info?: unknown;
  other_info?: unknown;
  rejection_info?: unknown;
}
