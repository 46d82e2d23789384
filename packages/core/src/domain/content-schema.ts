import { z } from 'zod';
import { ValidationError, type ValidationIssue } from '../errors.js';
import type { MessageContent } from './message-content.js';

const mediaKind = z.enum(['image', 'video', 'audio', 'voice', 'document', 'sticker']);
const MAX_INBOUND_TEXT = 65_536;

/** Limits from the Cloud API (the strictest provider); other drivers accept at least this much. */
const unique = <T>(items: T[], key: (item: T) => string): boolean => new Set(items.map(key)).size === items.length;

const textOut = z.object({
  type: z.literal('text'),
  text: z.string().trim().min(1, 'text must not be empty').max(4096, 'text is limited to 4096 characters'),
  previewUrl: z.boolean().optional(),
});

const mediaOut = z
  .object({
    type: z.literal('media'),
    kind: mediaKind,
    mimeType: z.string().max(255).optional(),
    size: z.number().int().nonnegative().optional(),
    caption: z.string().max(1024, 'caption is limited to 1024 characters').optional(),
    filename: z.string().max(255).optional(),
    sha256: z.string().max(128).optional(),
    providerRef: z.string().min(1).max(2048).optional(),
    url: z.url({ protocol: /^https?$/ }).optional(),
    data: z.string().min(1).optional(),
  })
  .refine((m) => [m.providerRef, m.url, m.data].filter((v) => v !== undefined).length === 1, {
    message: 'media needs exactly one of providerRef, url or data',
  })
  .refine((m) => m.caption === undefined || (m.kind !== 'audio' && m.kind !== 'voice' && m.kind !== 'sticker'), {
    message: 'audio, voice and sticker media cannot have a caption',
    path: ['caption'],
  });

const location = z.object({
  type: z.literal('location'),
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  name: z.string().max(1000).optional(),
  address: z.string().max(1000).optional(),
  url: z.string().max(2048).optional(),
});

const contacts = z.object({
  type: z.literal('contacts'),
  contacts: z
    .array(
      z.object({
        name: z.string().min(1).max(1000),
        phones: z.array(z.object({ phone: z.string().max(64), waId: z.string().max(64).optional(), type: z.string().max(64).optional() })),
        emails: z.array(z.string().max(320)).optional(),
        organization: z.string().max(1000).optional(),
      }),
    )
    .min(1),
});

const buttons = z.object({
  type: z.literal('buttons'),
  body: z.string().min(1).max(1024, 'button message body is limited to 1024 characters'),
  header: z.string().max(60, 'header is limited to 60 characters').optional(),
  footer: z.string().max(60, 'footer is limited to 60 characters').optional(),
  buttons: z
    .array(
      z.object({
        id: z.string().min(1).max(256).refine((s) => s.trim() === s, 'button id must not start or end with spaces'),
        title: z.string().min(1).max(20, 'button title is limited to 20 characters'),
      }),
    )
    .min(1, 'at least one button')
    .max(3, 'at most 3 buttons')
    .refine((b) => unique(b, (x) => x.id) && unique(b, (x) => x.title), 'button ids and titles must be unique'),
});

const list = z.object({
  type: z.literal('list'),
  body: z.string().min(1).max(4096),
  header: z.string().max(60).optional(),
  footer: z.string().max(60).optional(),
  buttonLabel: z.string().min(1).max(20, 'list button label is limited to 20 characters'),
  sections: z
    .array(
      z.object({
        title: z.string().max(24).optional(),
        rows: z
          .array(z.object({ id: z.string().min(1).max(200), title: z.string().min(1).max(24), description: z.string().max(72).optional() }))
          .min(1),
      }),
    )
    .min(1)
    .max(10)
    .refine((s) => s.reduce((n, x) => n + x.rows.length, 0) <= 10, 'a list holds at most 10 rows across all sections')
    .refine((s) => s.length === 1 || s.every((x) => x.title), 'every section needs a title when there are several')
    .refine((s) => unique(s.flatMap((x) => x.rows), (r) => r.id), 'row ids must be unique'),
});

const reaction = z.object({
  type: z.literal('reaction'),
  targetProviderMessageId: z.string().min(1).max(256),
  emoji: z.string().max(16).nullable(),
});

const templateParameter = z.union([
  z.object({ type: z.literal('text'), text: z.string().min(1).max(32768), parameterName: z.string().regex(/^[a-z_][a-z0-9_]*$/).optional() }),
  z.object({
    type: z.literal('currency'),
    fallbackValue: z.string().min(1),
    code: z.string().length(3),
    amount1000: z.number().int(),
    parameterName: z.string().optional(),
  }),
  z.object({ type: z.literal('date_time'), fallbackValue: z.string().min(1), parameterName: z.string().optional() }),
  z.object({
    type: z.enum(['image', 'video', 'document']),
    url: z.string().optional(),
    providerRef: z.string().optional(),
    filename: z.string().optional(),
  }),
  z.object({ type: z.literal('location'), latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional() }),
  z.object({ type: z.literal('payload'), payload: z.string().min(1) }),
  z.object({ type: z.literal('coupon_code'), couponCode: z.string().min(1) }),
]);

const template = z.object({
  type: z.literal('template'),
  name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'template names are lower-case letters, digits and _'),
  language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'language is a code like en, en_US or pt_BR'),
  components: z.array(
    z.union([
      z.object({ type: z.enum(['header', 'body']), parameters: z.array(templateParameter) }),
      z.object({
        type: z.literal('button'),
        subType: z.enum(['quick_reply', 'url', 'copy_code', 'flow', 'catalog']),
        index: z.number().int().min(0).max(9),
        parameters: z.array(templateParameter),
      }),
    ]),
  ),
});

const outboundContent = z.discriminatedUnion('type', [textOut, mediaOut, location, contacts, buttons, list, reaction, template]);

const inboundContent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().max(MAX_INBOUND_TEXT), previewUrl: z.boolean().optional() }),
  z.object({
    type: z.literal('media'),
    kind: mediaKind,
    mimeType: z.string().max(255).optional(),
    size: z.number().nonnegative().optional(),
    caption: z.string().max(MAX_INBOUND_TEXT).optional(),
    filename: z.string().max(1024).optional(),
    sha256: z.string().max(256).optional(),
    providerRef: z.string().max(4096).optional(),
    url: z.string().max(4096).optional(),
  }),
  location,
  contacts,
  z.object({
    type: z.literal('interactive_reply'),
    kind: z.enum(['button', 'list', 'template_button']),
    id: z.string().max(1024),
    title: z.string().max(1024),
    description: z.string().max(1024).optional(),
  }),
  reaction,
  z.object({
    type: z.literal('unsupported'),
    providerType: z.string().max(256),
    raw: z.unknown(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
  }),
]);

export function toIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

/**
 * Validates content a host wants to send.
 * @throws ValidationError naming every bad field.
 */
export function parseOutboundContent(input: unknown): MessageContent {
  const result = outboundContent.safeParse(input);
  if (!result.success) {
    const issues = toIssues(result.error);
    throw new ValidationError(`Invalid message content: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, issues);
  }
  return result.data as MessageContent;
}

/**
 * Validates content a driver normalized from a provider payload (lenient limits, strict shape).
 * @throws ValidationError naming every bad field.
 */
export function parseInboundContent(input: unknown): MessageContent {
  const result = inboundContent.safeParse(input);
  if (!result.success) {
    const issues = toIssues(result.error);
    throw new ValidationError(`Invalid inbound content: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, issues);
  }
  return result.data as MessageContent;
}

/**
 * Parses `input` with `schema` and throws a `ValidationError` that names every bad field.
 * The single way Switchboard validates input at its API edge.
 */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issues = toIssues(result.error);
    throw new ValidationError(`Invalid ${what}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, issues);
  }
  return result.data;
}
