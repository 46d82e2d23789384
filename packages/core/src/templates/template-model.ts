/**
 * A quick reply: a canned answer an agent sends with `/shortcut`. Global ones (no owner) are
 * shared; an agent's own are visible only to them. `{{customer.name}}`, `{{ticket.id}}`,
 * `{{agent.name}}` and custom variables are filled when rendered.
 */
export interface QuickReply {
  id: string;
  /** null: global; otherwise the agent who owns it. */
  ownerAgentId: string | null;
  /** Lower-case letters, digits, `-` and `_`, without the leading `/`. Unique per owner. */
  shortcut: string;
  title: string;
  body: string;
  category: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type ProviderTemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';

/** A button of an approved template, as the provider defines it. */
export interface ProviderTemplateButton {
  type: 'QUICK_REPLY' | 'URL' | 'PHONE_NUMBER' | 'COPY_CODE' | 'OTP' | 'FLOW' | 'CATALOG';
  text: string;
  /** URL buttons: the URL, with `{{1}}` when it takes a dynamic suffix. */
  url?: string;
}

/** A component of an approved template, in the provider's creation shape (upper-case types). */
export type ProviderTemplateComponent =
  | { type: 'HEADER'; format: 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION'; text?: string }
  | { type: 'BODY'; text: string }
  | { type: 'FOOTER'; text: string }
  | { type: 'BUTTONS'; buttons: ProviderTemplateButton[] };

/**
 * A WhatsApp approved template known on a channel (synced from the provider or entered by hand).
 * Only `APPROVED` templates can be sent; parameters are positional (`{{1}}`) or named.
 */
export interface ProviderTemplate {
  id: string;
  channelId: string;
  name: string;
  language: string;
  category: ProviderTemplateCategory;
  /** Provider status: APPROVED, PENDING, REJECTED, PAUSED, DISABLED, ... */
  status: string;
  parameterFormat: 'POSITIONAL' | 'NAMED';
  components: ProviderTemplateComponent[];
  /** The provider's id for it, when known. */
  providerTemplateId: string | null;
  /** Why it was rejected or paused, when the provider said. */
  statusReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}
