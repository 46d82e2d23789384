import type { Page } from '@switchboard/core';

/** A deep copy: the memory store never hands out or keeps references callers can mutate. */
export const clone = <T>(value: T): T => structuredClone(value);

/** A composite map key. */
export const key = (a: string, b: string): string => `${a}\u0000${b}`;

/** Keyset page over items already in the wanted order, each with a unique `id`. */
export function page<T extends { id: string }>(items: T[], limit: number, cursor: string | undefined, descending: boolean): Page<T> {
  const after = cursor === undefined ? items : items.filter((i) => (descending ? i.id < cursor : i.id > cursor));
  const slice = after.slice(0, limit);
  return { items: slice.map(clone), nextCursor: after.length > limit ? (slice.at(-1)?.id ?? null) : null };
}

/** Give a record a (new) provider message id and keep the (channel, provider id) → id index in step. */
export function setProviderId(
  index: Map<string, string>,
  record: { id: string; channelId: string; providerMessageId: string | null },
  providerMessageId: string,
): void {
  if (record.providerMessageId === providerMessageId) return;
  if (record.providerMessageId) index.delete(key(record.channelId, record.providerMessageId));
  record.providerMessageId = providerMessageId;
  index.set(key(record.channelId, providerMessageId), record.id);
}
