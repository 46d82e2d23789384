import { describe, expect, it } from 'vitest';
import type { SqlClient } from '../src/client/sql-client.js';
import { InboundBatcher } from '../src/repos/inbound.js';
import { inboundMessage } from './helpers.js';

/**
 * How the batcher shares calls out over statements, against a client whose statements finish
 * only when the test says so (no database, no clock: the order of events is the test's).
 */
function heldClient() {
  const running: Array<{ finish: () => void }> = [];
  const started: number[] = [];
  type Args = { providerMessageId: string; channelId: string };
  const reply = (args: Args) => ({
    duplicate: true,
    message: {
      id: `msg_${args.providerMessageId}`,
      channel_id: args.channelId,
      ticket_id: null,
      customer_id: 'cus_1',
      direction: 'inbound',
      author: { type: 'customer', id: 'cus_1' },
      content: { type: 'text', text: 'hi' },
      provider_message_id: args.providerMessageId,
      status: 'received',
      error: null,
      reply_to_provider_message_id: null,
      provider_timestamp: null,
      created_at: '2026-03-02T10:00:00Z',
      status_at: '2026-03-02T10:00:00Z',
    },
  });
  const client = {
    kind: 'postgres',
    schema: 'held',
    query: (_text: string, params: readonly unknown[] = []) => {
      // A batch's messages come as one JSON array, a lone message as one JSON object.
      const parsed = JSON.parse(params[0] as string) as Args | Args[];
      const all = Array.isArray(parsed) ? parsed : [parsed];
      started.push(all.length);
      return new Promise((resolve) => running.push({ finish: () => resolve(all.map((args) => ({ r: reply(args) }))) }));
    },
    exec: () => Promise.resolve(),
    transaction: () => Promise.reject(new Error('not used')),
    listen: () => Promise.reject(new Error('not used')),
    close: () => Promise.resolve(),
  } as unknown as SqlClient;
  /** Finish the oldest running statement and let its callers and the batcher react. */
  const finishOldest = async () => {
    const statement = running.shift();
    if (!statement) throw new Error('no statement is running');
    statement.finish();
    await settle();
  };
  return { client, running, started, finishOldest };
}

/** Let every pending promise reaction run (the held client never resolves on its own). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

let sequence = 0;
const call = (batcher: InboundBatcher) => batcher.ingest(inboundMessage(`wamid.held.${sequence++}`, '+201001234567'));

describe('inbound batcher: sharing calls out over statements', () => {
  it('with nothing running a call goes at once, alone; with one running a second goes at once too', async () => {
    const { client, running, started } = heldClient();
    const batcher = new InboundBatcher(client, { maxInFlight: 2 });
    void call(batcher);
    expect(started).toEqual([1]);
    void call(batcher);
    expect(started).toEqual([1, 1]);
    expect(running).toHaveLength(2);
  });

  it('while a statement of six runs, two waiting calls wait for it and then go together', async () => {
    const { client, started, finishOldest } = heldClient();
    const batcher = new InboundBatcher(client, { maxInFlight: 2 });
    const calls = Array.from({ length: 8 }, () => call(batcher));
    expect(started).toEqual([1, 1]);
    await finishOldest(); // the six waiting go together
    expect(started).toEqual([1, 1, 6]);
    await finishOldest(); // a slot is free, but two calls are not a share of eight
    const later = [call(batcher), call(batcher)];
    await settle();
    expect(started).toEqual([1, 1, 6]);
    await finishOldest();
    expect(started).toEqual([1, 1, 6, 2]);
    await finishOldest();
    const results = await Promise.all([...calls, ...later]);
    expect(results.map((r) => r.message.providerMessageId)).toEqual(Array.from({ length: 10 }, (_, i) => `wamid.held.${sequence - 10 + i}`));
  });

  it('beside a running statement of four, the fourth waiting call starts the next one', async () => {
    const { client, running, started, finishOldest } = heldClient();
    const batcher = new InboundBatcher(client, { maxInFlight: 2 });
    const calls = Array.from({ length: 6 }, () => call(batcher));
    await finishOldest();
    expect(started).toEqual([1, 1, 4]);
    await finishOldest();
    for (let i = 0; i < 3; i++) calls.push(call(batcher));
    await settle();
    expect(started).toEqual([1, 1, 4]);
    calls.push(call(batcher));
    expect(started).toEqual([1, 1, 4, 4]);
    while (running.length > 0) await finishOldest();
    expect(await Promise.all(calls)).toHaveLength(10);
  });
});
