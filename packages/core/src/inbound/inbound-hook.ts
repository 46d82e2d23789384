import type { MessageReceivedEvent } from '../driver/driver.js';
import type { MessageContent } from '../domain/message-content.js';
import type { Customer, Message, Ticket } from '../domain/model.js';

/** A customer message after validation, before it is stored. */
export interface InboundCandidate {
  channelId: string;
  event: MessageReceivedEvent;
  content: MessageContent;
  /** The sender as it will be stored (identity is the E.164 phone when known). */
  sender: { identity: string; phone: string | null; name: string | null; address: string };
}

/** A customer message that was stored and routed (never called for duplicates). */
export interface InboundStored {
  channelId: string;
  message: Message;
  ticket: Ticket;
  customer: Customer;
  ticketOutcome: 'created' | 'reopened' | 'existing';
}

/**
 * A feature that takes part in the inbound pipeline (STOP keyword opt-out, CSAT answers,
 * keyword triggers, handoff). Hooks run in registration order.
 */
export interface InboundHook {
  /** For logs. */
  readonly name: string;
  /**
   * Before the normal ingest: a hook may take the message over (e.g. a rating answering a CSAT
   * request must not reopen the ticket). It must store it itself, atomically and deduplicated by
   * (channel, provider message id), and return the stored message; null lets it pass.
   */
  claim?(candidate: InboundCandidate): Promise<Message | null>;
  /** After a new message was stored and routed. A failure is logged and reported, never thrown to the provider. */
  after?(stored: InboundStored): Promise<void>;
}
