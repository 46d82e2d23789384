import type { TextContent } from '../domain/message-content.js';

/** What erased free text (notes, provider error messages) is replaced with. */
export const ERASED_TEXT = '[erased]';

/** The content every message (and notification) of an erased customer is replaced with. */
export const ERASED_CONTENT: Readonly<TextContent> = Object.freeze({ type: 'text', text: ERASED_TEXT });

/**
 * The identity (and channel address) an erased customer keeps: unique per customer and never a
 * phone, so the next message from the same phone creates a new customer.
 */
export const erasedIdentity = (customerId: string): string => `erased:${customerId}`;
