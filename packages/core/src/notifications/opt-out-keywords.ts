import type { CoreContext } from '../context.js';
import type { InboundHook } from '../inbound/inbound-hook.js';
import { normalizeText } from '../text/normalize.js';

export interface OptOutKeywords {
  /** Messages that opt the customer out (whole message, case- and diacritic-insensitive). */
  stop: string[];
  /** Messages that opt them back in. */
  start: string[];
}

export const DEFAULT_OPT_OUT_KEYWORDS: OptOutKeywords = {
  stop: ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'إيقاف', 'ايقاف', 'إلغاء', 'الغاء', 'توقف'],
  start: ['START', 'UNSTOP', 'SUBSCRIBE', 'اشتراك'],
};

/** A whole-message keyword as compared: `normalizeText`, trailing punctuation dropped. */
export function normalizeKeyword(text: string): string {
  return normalizeText(text).replace(/[.!؟?،,]+$/u, '').trim();
}

/** The inbound hook that turns a STOP (or START) message into an opt-out (or opt-in). */
export function optOutKeywordsHook(ctx: CoreContext, keywords: OptOutKeywords): InboundHook {
  const stop = new Set(keywords.stop.map(normalizeKeyword));
  const start = new Set(keywords.start.map(normalizeKeyword));
  return {
    name: 'opt-out-keywords',
    async after({ message, customer }) {
      if (message.content.type !== 'text') return;
      const word = normalizeKeyword(message.content.text);
      const optedOut = stop.has(word) ? true : start.has(word) ? false : null;
      if (optedOut === null || customer.optedOut === optedOut) return;
      const updated = await ctx.store.setCustomerOptOut({ customerId: customer.id, optedOut, at: ctx.clock.now() });
      if (!updated) return;
      ctx.emit(optedOut ? 'customer.opted_out' : 'customer.opted_in', { customer: updated, via: 'keyword' });
      await ctx.store.appendAudit({
        actor: { type: 'customer', id: customer.id },
        action: optedOut ? 'customer.opted_out' : 'customer.opted_in',
        entity: { type: 'customer', id: customer.id },
        data: { via: 'keyword', messageId: message.id },
        at: ctx.clock.now(),
      });
    },
  };
}
