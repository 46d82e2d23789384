import { DriverError, parseInput } from '@switchboard/core';
import { z } from 'zod';
import type { GraphClient } from './graph-client.js';

/** Template statuses Meta reports (pywa `TemplateStatus`); only `APPROVED` templates can be sent. */
export type TemplateStatus =
  | 'APPROVED'
  | 'PENDING'
  | 'REJECTED'
  | 'PAUSED'
  | 'DISABLED'
  | 'IN_APPEAL'
  | 'FLAGGED'
  | 'REINSTATED'
  | 'PENDING_DELETION'
  | 'DELETED'
  | 'LIMIT_EXCEEDED'
  | 'ARCHIVED'
  | 'UNARCHIVED'
  | 'LOCKED';

export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';

/** A template component as the Graph API describes it (upper-case `type`: HEADER, BODY, FOOTER, BUTTONS, ...). */
export interface ProviderTemplateComponent {
  type: 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS' | 'CAROUSEL' | 'LIMITED_TIME_OFFER' | (string & {});
  format?: 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION' | (string & {});
  text?: string;
  buttons?: Array<{ type: string; text?: string; url?: string; phone_number?: string; example?: unknown; [key: string]: unknown }>;
  example?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The Graph message template object, field for field. */
export interface ProviderTemplate {
  id: string;
  name: string;
  language: string;
  status: TemplateStatus | (string & {});
  category: TemplateCategory | (string & {});
  parameter_format?: 'POSITIONAL' | 'NAMED';
  components: ProviderTemplateComponent[];
  quality_score?: { score: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN' | (string & {}); date?: number };
  rejected_reason?: string;
}

export interface TemplateListQuery {
  status?: TemplateStatus;
  category?: TemplateCategory;
  name?: string;
  language?: string;
  /** Page size (Graph default 25). */
  limit?: number;
  /** Cursor from a previous page's `nextCursor`. */
  after?: string;
  before?: string;
}

export interface TemplatePage {
  items: ProviderTemplate[];
  /** Pass as `after` for the next page; null on the last page. */
  nextCursor: string | null;
  previousCursor: string | null;
}

export interface CreateTemplateInput {
  name: string;
  language: string;
  category: TemplateCategory;
  parameter_format?: 'POSITIONAL' | 'NAMED';
  components: ProviderTemplateComponent[];
  allow_category_change?: boolean;
}

export interface CreateTemplateResult {
  id: string;
  status: TemplateStatus | (string & {});
  category: TemplateCategory | (string & {});
}

/** Template management on the WABA (fact sheet §1.13). Needs `wabaId` and `whatsapp_business_management`. */
export interface CloudApiTemplates {
  /** One page of templates. */
  list(query?: TemplateListQuery): Promise<TemplatePage>;
  /** Every template, following the cursors. */
  listAll(query?: Omit<TemplateListQuery, 'after' | 'before'>): AsyncIterable<ProviderTemplate>;
  /** One template by its id. */
  get(templateId: string): Promise<ProviderTemplate>;
  /** Submit a template for review. */
  create(input: CreateTemplateInput): Promise<CreateTemplateResult>;
  /** Delete by name (every language) or by name + id (`hsmId`, one language). */
  delete(input: { name: string; hsmId?: string }): Promise<void>;
}

export const TEMPLATE_FIELDS = 'id,name,language,status,category,parameter_format,components,quality_score,rejected_reason';

const NAME = z.string().regex(/^[a-z0-9_]{1,512}$/, 'template names are lower-case letters, digits and _ (at most 512)');

const listSchema = z
  .object({
    status: z.string().regex(/^[A-Z_]+$/).optional(),
    category: z.enum(['MARKETING', 'UTILITY', 'AUTHENTICATION']).optional(),
    name: z.string().min(1).max(512).optional(),
    language: z.string().min(2).max(16).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    after: z.string().min(1).optional(),
    before: z.string().min(1).optional(),
  })
  .strict();

const createSchema = z
  .object({
    name: NAME,
    language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'language is a code like en, en_US or pt_BR'),
    category: z.enum(['MARKETING', 'UTILITY', 'AUTHENTICATION']),
    parameter_format: z.enum(['POSITIONAL', 'NAMED']).optional(),
    components: z.array(z.looseObject({ type: z.string().min(1) })).min(1, 'a template needs at least a BODY component'),
    allow_category_change: z.boolean().optional(),
  })
  .strict();

interface GraphPage {
  data?: ProviderTemplate[];
  paging?: { cursors?: { before?: string; after?: string }; next?: string; previous?: string };
}

export function templatesApi(graph: GraphClient, wabaId: string | undefined): CloudApiTemplates {
  const waba = (): string => {
    if (!wabaId) {
      throw new DriverError('invalid_request', 'cloudapi: template management needs the wabaId option.', { details: { driver: 'cloudapi', option: 'wabaId' } });
    }
    return wabaId;
  };

  const list = async (query: TemplateListQuery = {}): Promise<TemplatePage> => {
    const q = parseInput(listSchema, query, 'cloudapi template query');
    const page = await graph.call<GraphPage>('template list', 'GET', `${waba()}/message_templates`, { query: { fields: TEMPLATE_FIELDS, ...q } });
    const items = Array.isArray(page.data) ? page.data : [];
    return {
      items,
      nextCursor: page.paging?.next && page.paging.cursors?.after ? page.paging.cursors.after : null,
      previousCursor: page.paging?.previous && page.paging.cursors?.before ? page.paging.cursors.before : null,
    };
  };

  return {
    list,
    async *listAll(query = {}) {
      let after: string | undefined;
      do {
        const page = await list({ ...query, ...(after ? { after } : {}) });
        yield* page.items;
        after = page.nextCursor ?? undefined;
      } while (after);
    },
    async get(templateId) {
      if (typeof templateId !== 'string' || !/^\d{1,32}$/.test(templateId)) {
        throw new DriverError('invalid_request', 'cloudapi: a template id is a numeric Graph id.', { details: { driver: 'cloudapi' } });
      }
      return graph.call<ProviderTemplate>('template get', 'GET', templateId, { query: { fields: TEMPLATE_FIELDS } });
    },
    async create(input) {
      const body = parseInput(createSchema, input, 'cloudapi template');
      const result = await graph.call<Partial<CreateTemplateResult>>('template create', 'POST', `${waba()}/message_templates`, { json: body });
      if (typeof result.id !== 'string') throw new DriverError('provider_error', 'cloudapi: template create answered without an id.', { details: { driver: 'cloudapi' } });
      return { id: result.id, status: result.status ?? 'PENDING', category: result.category ?? body.category };
    },
    async delete(input) {
      const name = parseInput(NAME, input?.name, 'cloudapi template name');
      if (input.hsmId !== undefined && !/^\d{1,32}$/.test(input.hsmId)) {
        throw new DriverError('invalid_request', 'cloudapi: hsmId is the numeric template id.', { details: { driver: 'cloudapi' } });
      }
      const result = await graph.call<{ success?: boolean }>('template delete', 'DELETE', `${waba()}/message_templates`, {
        query: { name, ...(input.hsmId ? { hsm_id: input.hsmId } : {}) },
      });
      if (result.success !== true) throw new DriverError('provider_error', 'cloudapi: template delete was not confirmed.', { details: { driver: 'cloudapi' } });
    },
  };
}
