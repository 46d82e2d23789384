import {
  DriverError,
  parseOutboundContent,
  ValidationError,
  type MessageContent,
  type OutboundMessage,
  type Recipient,
  type TemplateComponent,
  type TemplateContent,
  type TemplateParameter,
  type ValidationIssue,
} from '@switchboard/core';

type Json = Record<string, unknown>;

/** `US.13491208655302741918`, parent ids `US.ENT.…` (fact sheet §1.9). */
const BSUID = /^[A-Z]{2}\.(?:[A-Z]+\.)?[0-9A-Za-z]{1,64}$/;
const WA_ID = /^\d{6,20}$/;
const MAX_CALLBACK_DATA_BYTES = 512;

export interface OutboundLimits {
  listBodyMaxChars: number;
}

/** Where a send goes: `to` (wa_id / phone digits) or `recipient` (BSUID). `key` identifies the recipient for pacing. */
export interface ResolvedRecipient {
  field: 'to' | 'recipient';
  value: string;
  key: string;
}

function invalid(message: string, issues: ValidationIssue[]): DriverError {
  return new DriverError('invalid_request', `cloudapi: ${message}`, { retryable: false, details: { driver: 'cloudapi', issues } });
}

/** Prefer the provider address (wa_id, or BSUID via `recipient`), else the E.164 phone without `+`. @throws DriverError */
export function resolveRecipient(to: Recipient): ResolvedRecipient {
  const address = to.address?.trim();
  if (address && WA_ID.test(address)) return { field: 'to', value: address, key: address };
  if (address && BSUID.test(address)) return { field: 'recipient', value: address, key: address };
  if (to.phone && /^\+\d{6,20}$/.test(to.phone)) {
    const digits = to.phone.slice(1);
    return { field: 'to', value: digits, key: digits };
  }
  throw invalid('the recipient has neither a wa_id/BSUID address nor an E.164 phone.', [{ path: 'to', message: 'no usable recipient' }]);
}

/**
 * Validates content with core's outbound rules, then the Cloud API's own (list body limit,
 * template parameter shapes). @throws DriverError `invalid_request`
 */
export function checkContent(content: MessageContent, limits: OutboundLimits): MessageContent {
  let parsed: MessageContent;
  try {
    parsed = parseOutboundContent(content);
  } catch (error) {
    if (error instanceof ValidationError) throw invalid(error.message, error.issues);
    throw error;
  }
  const issues: ValidationIssue[] = [];
  if (parsed.type === 'list' && [...parsed.body].length > limits.listBodyMaxChars) {
    issues.push({ path: 'content.body', message: `list body is limited to ${limits.listBodyMaxChars} characters on this channel` });
  }
  if (parsed.type === 'media' && parsed.data !== undefined && !parsed.mimeType) {
    issues.push({ path: 'content.mimeType', message: 'inline media data needs a mimeType to be uploaded' });
  }
  if (parsed.type === 'template') issues.push(...templateIssues(parsed));
  if (issues.length > 0) throw invalid(`content not accepted by the Cloud API: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  return parsed;
}

function templateIssues(template: TemplateContent): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const named: boolean[] = [];
  const buttonIndexes = new Set<number>();
  template.components.forEach((component, c) => {
    const path = `content.components.${c}`;
    if (component.type === 'header' && component.parameters.length > 1) {
      issues.push({ path, message: 'a template header takes at most one parameter' });
    }
    if (component.type === 'header' || component.type === 'body') {
      component.parameters.forEach((p, i) => {
        if (p.type === 'payload' || p.type === 'coupon_code') issues.push({ path: `${path}.parameters.${i}`, message: `${p.type} parameters belong to buttons` });
        if (p.type === 'text' || p.type === 'currency' || p.type === 'date_time') named.push(p.parameterName !== undefined);
        if (p.type === 'currency' || p.type === 'date_time') {
          if (p.parameterName !== undefined && !/^[a-z_][a-z0-9_]*$/.test(p.parameterName)) {
            issues.push({ path: `${path}.parameters.${i}.parameterName`, message: 'named parameters are lower-case letters, digits and _' });
          }
        }
        if ((p.type === 'image' || p.type === 'video' || p.type === 'document') && (p.url === undefined) === (p.providerRef === undefined)) {
          issues.push({ path: `${path}.parameters.${i}`, message: 'a media parameter needs exactly one of url or providerRef' });
        }
      });
    }
    if (component.type === 'button') {
      if (buttonIndexes.has(component.index)) issues.push({ path: `${path}.index`, message: `button index ${component.index} is used twice` });
      buttonIndexes.add(component.index);
      const expected = component.subType === 'quick_reply' ? 'payload' : component.subType === 'url' ? 'text' : component.subType === 'copy_code' ? 'coupon_code' : null;
      if (expected && (component.parameters.length !== 1 || component.parameters[0]?.type !== expected)) {
        issues.push({ path: `${path}.parameters`, message: `a ${component.subType} button takes exactly one ${expected} parameter` });
      }
    }
  });
  if (named.includes(true) && named.includes(false)) {
    issues.push({ path: 'content.components', message: 'use named parameters (parameterName) for all text/currency/date_time parameters or for none' });
  }
  return issues;
}

/** Checks `biz_opaque_callback_data` fits Meta's limit. @throws DriverError */
export function checkReference(reference: string): void {
  if (typeof reference !== 'string' || reference.length === 0 || Buffer.byteLength(reference, 'utf8') > MAX_CALLBACK_DATA_BYTES) {
    throw invalid(`the message reference must be 1–${MAX_CALLBACK_DATA_BYTES} bytes (it travels as biz_opaque_callback_data).`, [
      { path: 'reference', message: 'invalid length' },
    ]);
  }
}

/** The Graph `POST /messages` body for one outbound message (content already checked, media already uploaded). */
export function buildSendBody(message: OutboundMessage, content: MessageContent, recipient: ResolvedRecipient): Json {
  const body: Json = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    [recipient.field]: recipient.value,
    ...typed(content),
    biz_opaque_callback_data: message.reference,
  };
  if (message.replyToProviderMessageId && content.type !== 'reaction') body.context = { message_id: message.replyToProviderMessageId };
  return body;
}

/** `type` plus the object named after it. */
function typed(content: MessageContent): Json {
  switch (content.type) {
    case 'text':
      return { type: 'text', text: { body: content.text, preview_url: content.previewUrl === true } };
    case 'media': {
      const kind = content.kind === 'voice' ? 'audio' : content.kind;
      const media: Json = content.providerRef !== undefined ? { id: content.providerRef } : { link: content.url };
      if (content.caption !== undefined && (kind === 'image' || kind === 'video' || kind === 'document')) media.caption = content.caption;
      if (content.filename !== undefined && kind === 'document') media.filename = content.filename;
      return { type: kind, [kind]: media };
    }
    case 'location':
      return {
        type: 'location',
        location: {
          latitude: content.latitude,
          longitude: content.longitude,
          ...(content.name !== undefined ? { name: content.name } : {}),
          ...(content.address !== undefined ? { address: content.address } : {}),
        },
      };
    case 'contacts':
      return {
        type: 'contacts',
        contacts: content.contacts.map((card) => ({
          // Meta wants formatted_name plus at least one name part.
          name: { formatted_name: card.name, first_name: card.name },
          phones: card.phones.map((p) => ({ phone: p.phone, ...(p.waId ? { wa_id: p.waId } : {}), ...(p.type ? { type: p.type } : {}) })),
          ...(card.emails?.length ? { emails: card.emails.map((email) => ({ email })) } : {}),
          ...(card.organization ? { org: { company: card.organization } } : {}),
        })),
      };
    case 'buttons':
      return {
        type: 'interactive',
        interactive: {
          type: 'button',
          ...(content.header !== undefined ? { header: { type: 'text', text: content.header } } : {}),
          body: { text: content.body },
          ...(content.footer !== undefined ? { footer: { text: content.footer } } : {}),
          action: { buttons: content.buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })) },
        },
      };
    case 'list':
      return {
        type: 'interactive',
        interactive: {
          type: 'list',
          ...(content.header !== undefined ? { header: { type: 'text', text: content.header } } : {}),
          body: { text: content.body },
          ...(content.footer !== undefined ? { footer: { text: content.footer } } : {}),
          action: {
            button: content.buttonLabel,
            sections: content.sections.map((s) => ({
              ...(s.title !== undefined ? { title: s.title } : {}),
              rows: s.rows.map((r) => ({ id: r.id, title: r.title, ...(r.description !== undefined ? { description: r.description } : {}) })),
            })),
          },
        },
      };
    case 'reaction':
      return { type: 'reaction', reaction: { message_id: content.targetProviderMessageId, emoji: content.emoji ?? '' } };
    case 'template':
      return {
        type: 'template',
        template: {
          name: content.name,
          language: { code: content.language },
          ...(content.components.length > 0 ? { components: content.components.map(component) } : {}),
        },
      };
    case 'interactive_reply':
    case 'unsupported':
      throw invalid(`"${content.type}" content cannot be sent.`, [{ path: 'content.type', message: 'not sendable' }]);
  }
}

function component(c: TemplateComponent): Json {
  if (c.type === 'button') return { type: 'button', sub_type: c.subType, index: String(c.index), parameters: c.parameters.map(parameter) };
  return { type: c.type, parameters: c.parameters.map(parameter) };
}

function named(name: string | undefined): Json {
  return name !== undefined ? { parameter_name: name } : {};
}

function parameter(p: TemplateParameter): Json {
  switch (p.type) {
    case 'text':
      return { type: 'text', ...named(p.parameterName), text: p.text };
    case 'currency':
      return { type: 'currency', ...named(p.parameterName), currency: { fallback_value: p.fallbackValue, code: p.code, amount_1000: p.amount1000 } };
    case 'date_time':
      return { type: 'date_time', ...named(p.parameterName), date_time: { fallback_value: p.fallbackValue } };
    case 'image':
    case 'video':
    case 'document': {
      const media: Json = p.providerRef !== undefined ? { id: p.providerRef } : { link: p.url };
      if (p.type === 'document' && p.filename !== undefined) media.filename = p.filename;
      return { type: p.type, [p.type]: media };
    }
    case 'location':
      return {
        type: 'location',
        location: {
          latitude: p.latitude,
          longitude: p.longitude,
          ...(p.name !== undefined ? { name: p.name } : {}),
          ...(p.address !== undefined ? { address: p.address } : {}),
        },
      };
    case 'payload':
      return { type: 'payload', payload: p.payload };
    case 'coupon_code':
      return { type: 'coupon_code', coupon_code: p.couponCode };
  }
}
