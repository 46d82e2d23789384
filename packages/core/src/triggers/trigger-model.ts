/** How a rule matches a customer's text (after `normalizeText`). `any` matches every message. */
export interface TriggerMatch {
  kind: 'exact' | 'contains' | 'starts_with' | 'regex' | 'any';
  /** The word/phrase or the regular expression source; null for `any`. */
  value: string | null;
  caseSensitive: boolean;
}

/** What a rule does when it fires. */
export type TriggerAction =
  /** Send a text (placeholders: customer/ticket/agent fields, `hours.nextOpening`). */
  | { type: 'reply'; text: string }
  /** Send a quick reply by id. */
  | { type: 'reply_quick'; quickReplyId: string }
  | { type: 'assign_agent'; agentId: string }
  /** Move the ticket to a branch queue (routed within it). */
  | { type: 'assign_branch'; branch: string }
  | { type: 'tag'; tags: string[] }
  /** Close the ticket, optionally with a last reply. */
  | { type: 'close'; text?: string }
  /** Leave the bot: route to a human now; the bot stays silent on the ticket until it closes. */
  | { type: 'handoff' };

/**
 * A keyword rule. Rules are tried by priority (highest first; ties by id); each that matches acts,
 * and `stopProcessing` (default true) ends the evaluation for that message.
 */
export interface Trigger {
  id: string;
  name: string;
  enabled: boolean;
  priority: number;
  match: TriggerMatch;
  /** Only on this channel / for tickets of this branch (null: everywhere). */
  channelId: string | null;
  branch: string | null;
  /** Business-hours condition: fire always, or only while the calendar is open/closed. */
  when: 'always' | 'open' | 'closed';
  /** The calendar `when` refers to. */
  calendarId: string | null;
  action: TriggerAction;
  stopProcessing: boolean;
  /** Fires at most once per customer within this period (0: no limit). */
  cooldownMs: number;
  createdAt: Date;
  updatedAt: Date;
}
