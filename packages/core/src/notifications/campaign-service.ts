import { z } from 'zod';
import type { CoreContext } from '../context.js';
import { parseInput, parseOutboundContent } from '../domain/content-schema.js';
import type { MessageContent } from '../domain/message-content.js';
import type { Actor, Page } from '../domain/model.js';
import { SYSTEM_ACTOR } from '../domain/model.js';
import { InvalidPhoneError, NotFoundError, ValidationError } from '../errors.js';
import { normalizePhone } from '../phone/phone-number.js';
import type { Campaign, CampaignAudience, NotificationStatus } from './notification-model.js';
import type { NotificationService, SendNotificationInput } from './notification-service.js';

const date = z.union([z.date(), z.iso.datetime({ offset: true }).transform((s) => new Date(s))]);
const createSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    channel: z.string().min(1).optional(),
    text: z.string().optional(),
    template: z.object({ name: z.string().min(1), language: z.string().min(1), params: z.array(z.union([z.string(), z.number()])).optional() }).strict().optional(),
    audience: z.discriminatedUnion('type', [
      z.object({ type: z.literal('list'), phones: z.array(z.string().min(1).max(64)).min(1).max(100_000) }).strict(),
      z
        .object({
          type: z.literal('segment'),
          tags: z.array(z.string().min(1)).optional(),
          lastContactAfter: date.optional(),
          lastContactBefore: date.optional(),
        })
        .strict(),
    ]),
    scheduledAt: date.optional(),
  })
  .strict()
  .refine((v) => (v.text === undefined) !== (v.template === undefined), { message: 'give a text or a template' });

export type CreateCampaignRequest = z.input<typeof createSchema>;

/** A campaign's progress: totals per status and the rates hosts show. Rates are fractions of `total`. */
export interface CampaignProgress {
  campaign: Campaign;
  total: number;
  counts: Record<NotificationStatus, number>;
  rates: { sent: number; delivered: number; read: number; failed: number; skipped: number; waiting: number };
}

/**
 * `sb.campaigns`: a named broadcast of one message to a list of phones or a customer segment.
 * Each recipient is a keyed notification (`campaign:<id>:<phone>`), so running a campaign again
 * never sends anyone a second copy.
 */
export class CampaignService {
  readonly #ctx: CoreContext;
  readonly #notifications: NotificationService;

  constructor(ctx: CoreContext, notifications: NotificationService) {
    this.#ctx = ctx;
    this.#notifications = notifications;
  }

  /** @throws ValidationError, UnknownChannelError */
  async create(input: CreateCampaignRequest, actor: Actor = SYSTEM_ACTOR): Promise<Campaign> {
    const data = parseInput(createSchema, input, 'campaign');
    const channelId = data.channel ?? this.#onlyChannel();
    this.#ctx.channel(channelId);
    if (data.audience.type === 'segment' && data.audience.lastContactAfter && data.audience.lastContactBefore) {
      if (data.audience.lastContactAfter.getTime() > data.audience.lastContactBefore.getTime()) {
        throw new ValidationError('The segment’s contact range is inverted.', [{ path: 'audience.lastContactAfter', message: 'after lastContactBefore' }]);
      }
    }
    const now = this.#ctx.clock.now();
    const params = data.template?.params ?? [];
    const content: MessageContent = data.template
      ? {
          type: 'template',
          name: data.template.name,
          language: data.template.language,
          components: params.length > 0 ? [{ type: 'body', parameters: params.map((p) => ({ type: 'text' as const, text: String(p) })) }] : [],
        }
      : { type: 'text', text: data.text! };
    const campaign = await this.#ctx.store.createCampaign({
      name: data.name,
      channelId,
      content: parseOutboundContent(content),
      audience: data.audience as CampaignAudience,
      scheduledAt: data.scheduledAt ?? now,
      at: now,
    });
    await this.#ctx.store.appendAudit({ actor, action: 'campaign.created', entity: { type: 'campaign', id: campaign.id }, data: { name: campaign.name }, at: now });
    return campaign;
  }

  /**
   * Queue one keyed notification per recipient, not before the campaign's time. Safe to run
   * again (after a crash, or for recipients added to a segment): existing keys send nothing.
   * @throws NotFoundError
   */
  async run(campaignId: string, actor: Actor = SYSTEM_ACTOR): Promise<CampaignProgress> {
    const campaign = await this.get(campaignId);
    const phones = await this.#recipients(campaign);
    const content = campaign.content;
    let queued = 0;
    for (const phone of phones) {
      const request: SendNotificationInput = {
        key: `campaign:${campaign.id}:${phone}`,
        channel: campaign.channelId,
        to: phone,
        metadata: { campaignId: campaign.id },
        notBefore: campaign.scheduledAt,
        ...(content.type === 'text' ? { text: content.text } : {}),
        ...(content.type === 'template' ? { template: { name: content.name, language: content.language, components: content.components } } : {}),
      };
      await this.#notifications.send(request);
      queued++;
    }
    await this.#ctx.store.updateCampaign(campaign.id, { status: 'running', recipients: queued, at: this.#ctx.clock.now() });
    await this.#ctx.store.appendAudit({ actor, action: 'campaign.run', entity: { type: 'campaign', id: campaign.id }, data: { recipients: queued }, at: this.#ctx.clock.now() });
    return this.progress(campaign.id);
  }

  /** Totals and rates; marks the campaign completed once nothing is left to send. @throws NotFoundError */
  async progress(campaignId: string): Promise<CampaignProgress> {
    let campaign = await this.get(campaignId);
    const counts = await this.#ctx.store.countNotifications({ keyPrefix: `campaign:${campaign.id}:` });
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const waiting = counts.pending + counts.sending + counts.retrying + counts.uncertain;
    if (campaign.status === 'running' && total > 0 && waiting === 0) {
      campaign = (await this.#ctx.store.updateCampaign(campaign.id, { status: 'completed', at: this.#ctx.clock.now() })) ?? campaign;
    }
    const rate = (n: number): number => (total === 0 ? 0 : n / total);
    return {
      campaign,
      total,
      counts,
      rates: {
        sent: rate(counts.sent + counts.delivered + counts.read),
        delivered: rate(counts.delivered + counts.read),
        read: rate(counts.read),
        failed: rate(counts.failed),
        skipped: rate(counts.skipped),
        waiting: rate(waiting),
      },
    };
  }

  /** @throws NotFoundError */
  async get(campaignId: string): Promise<Campaign> {
    const campaign = await this.#ctx.store.getCampaign(campaignId);
    if (!campaign) throw new NotFoundError('campaign', campaignId);
    return campaign;
  }

  list(page: { limit?: number; cursor?: string } = {}): Promise<Page<Campaign>> {
    return this.#ctx.store.listCampaigns({ limit: page.limit ?? 50, ...(page.cursor ? { cursor: page.cursor } : {}) });
  }

  /** Recipients as E.164 where valid (invalid ones are kept so the log shows them skipped), deduplicated. */
  async #recipients(campaign: Campaign): Promise<string[]> {
    const seen = new Set<string>();
    const add = (raw: string): void => {
      let value = raw.trim();
      try {
        value = normalizePhone(raw, { defaultCountry: this.#ctx.defaultCountry });
      } catch (error) {
        if (!(error instanceof InvalidPhoneError)) throw error;
      }
      seen.add(value);
    };
    if (campaign.audience.type === 'list') {
      campaign.audience.phones.forEach(add);
      return [...seen];
    }
    const { tags, lastContactAfter, lastContactBefore } = campaign.audience;
    let cursor: string | undefined;
    do {
      const page = await this.#ctx.store.listCustomers({
        limit: 500,
        ...(cursor ? { cursor } : {}),
        ...(tags && tags.length > 0 ? { tags } : {}),
        ...(lastContactAfter || lastContactBefore ? { channelId: campaign.channelId } : {}),
        ...(lastContactAfter ? { lastInboundAfter: lastContactAfter } : {}),
        ...(lastContactBefore ? { lastInboundBefore: lastContactBefore } : {}),
      });
      // Opted-out customers stay in: the dispatcher records them as skipped (opted_out), so the log tells the truth.
      for (const customer of page.items) if (customer.phone) add(customer.phone);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return [...seen];
  }

  #onlyChannel(): string {
    const ids = this.#ctx.channelIds();
    if (ids.length === 1) return ids[0]!;
    throw new ValidationError('Give `channel`: there are several channels.', [{ path: 'channel', message: 'required' }]);
  }
}
