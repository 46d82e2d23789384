import { z } from 'zod';
import type { TriggerInput } from '../store/store.js';
import { malformedPlaceholders } from '../templates/placeholders.js';

const text = z
  .string()
  .min(1)
  .max(4096)
  .refine((t) => malformedPlaceholders(t).length === 0, 'placeholders are {{name}} or {{customer.name}}');

const action = z.discriminatedUnion('type', [
  z.object({ type: z.literal('reply'), text }).strict(),
  z.object({ type: z.literal('reply_quick'), quickReplyId: z.string().min(1) }).strict(),
  z.object({ type: z.literal('assign_agent'), agentId: z.string().min(1) }).strict(),
  z.object({ type: z.literal('assign_branch'), branch: z.string().trim().min(1).max(128) }).strict(),
  z.object({ type: z.literal('tag'), tags: z.array(z.string().trim().min(1).max(64)).min(1).max(20) }).strict(),
  z.object({ type: z.literal('close'), text: text.optional() }).strict(),
  z.object({ type: z.literal('handoff') }).strict(),
]);

/** A regular expression source must compile (flags `u`, plus `i` unless case-sensitive). */
function regexProblem(source: string, caseSensitive: boolean): string | null {
  try {
    new RegExp(source, caseSensitive ? 'u' : 'iu');
    return null;
  } catch (error) {
    return `invalid regular expression: ${(error as Error).message}`;
  }
}

const match = z
  .object({
    kind: z.enum(['exact', 'contains', 'starts_with', 'regex', 'any']),
    value: z.string().min(1).max(500).nullable().default(null),
    caseSensitive: z.boolean().default(false),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.kind === 'any') {
      if (m.value !== null) ctx.addIssue({ code: 'custom', path: ['value'], message: '`any` takes no value' });
      return;
    }
    if (m.value === null) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `a ${m.kind} rule needs a value` });
      return;
    }
    if (m.kind === 'regex') {
      const problem = regexProblem(m.value, m.caseSensitive);
      if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
    }
  });

const fields = {
  name: z.string().trim().min(1).max(200),
  enabled: z.boolean(),
  priority: z.number().int().min(-1_000_000).max(1_000_000),
  match,
  channelId: z.string().min(1).nullable(),
  branch: z.string().trim().min(1).max(128).nullable(),
  when: z.enum(['always', 'open', 'closed']),
  calendarId: z.string().min(1).nullable(),
  action,
  stopProcessing: z.boolean(),
  cooldownMs: z.number().int().min(0).max(365 * 24 * 3_600_000),
};

const withCalendar = <T extends { when?: string; calendarId?: string | null }>(t: T, ctx: z.RefinementCtx): void => {
  if (t.when !== undefined && t.when !== 'always' && !t.calendarId) {
    ctx.addIssue({ code: 'custom', path: ['calendarId'], message: `when: '${t.when}' needs a calendarId` });
  }
};

export const createTriggerSchema = z
  .object({
    ...fields,
    enabled: fields.enabled.default(true),
    priority: fields.priority.default(0),
    channelId: fields.channelId.default(null),
    branch: fields.branch.default(null),
    when: fields.when.default('always'),
    calendarId: fields.calendarId.default(null),
    stopProcessing: fields.stopProcessing.default(true),
    cooldownMs: fields.cooldownMs.default(0),
  })
  .strict()
  .superRefine(withCalendar);

export const updateTriggerSchema = z.object(fields).partial().strict().superRefine(withCalendar);

export type CreateTriggerRequest = z.input<typeof createTriggerSchema>;
export type UpdateTriggerRequest = z.input<typeof updateTriggerSchema>;

/** Parsed create input, typed as the store expects. */
export type ParsedTrigger = TriggerInput;
