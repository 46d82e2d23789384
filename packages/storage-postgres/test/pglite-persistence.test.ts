import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IngestInboundResult } from '@switchboard/core';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, pgliteStore } from '../src/index.js';
import { runWorker } from './fixtures/spawn.js';

describe('PGlite data folder', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('survives a process restart with all data', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sb-pglite-'));
    dirs.push(dataDir);
    // Another process writes and exits.
    const written = await runWorker<Extract<IngestInboundResult, { duplicate: false }>>('pglite-write', { DATA_DIR: dataDir });

    const store = pgliteStore({ dataDir });
    await store.init();
    try {
      expect(await migrate(store.db)).toEqual([]); // schema already there: nothing re-applied
      const message = await store.getMessage(written.message.id);
      expect(message).toMatchObject({ id: written.message.id, providerMessageId: written.message.providerMessageId, content: written.message.content });
      expect(await store.getTicket(written.ticket.id)).toMatchObject({ id: written.ticket.id, status: 'queued', customerId: written.customer.id });
      expect(await store.findCustomerByIdentity(written.customer.identity)).toMatchObject({ id: written.customer.id, name: written.customer.name });
      expect((await store.listTicketEvents(written.ticket.id)).map((e) => e.type)).toEqual(['opened']);
      // And it keeps working: the same provider message is a duplicate, a new one joins the ticket.
      const again = await store.ingestInbound({
        channelId: 'main',
        providerMessageId: written.message.providerMessageId!,
        sender: { identity: written.customer.identity, phone: written.customer.phone, name: null, address: 'x' },
        content: { type: 'text', text: 'again' },
        providerTimestamp: null,
        replyToProviderMessageId: null,
        at: new Date(),
        reopenWindowMs: 0,
        newTicket: { branch: null, skills: [] },
      });
      expect(again.duplicate).toBe(true);
    } finally {
      await store.close();
    }
  }, 240_000);
});
