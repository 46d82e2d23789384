import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DEMO_AGENT_PASSWORD } from '../src/seed.js';
import { runTour } from '../src/tour.js';
import { PASSWORDS, startHarness, type Harness } from './harness.js';

let h: Harness;
let server: ReturnType<typeof serve>;
beforeEach(async () => {
  h = await startHarness();
  server = serve({ fetch: h.rt.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
});
afterEach(async () => {
  h.rt.live.close();
  await new Promise((resolve) => server.close(resolve));
  await h.stop();
});

it('the README tour over loopback HTTP: login, customer message, assigned live, reply, ticks', async () => {
  const { port } = server.address() as AddressInfo;
  const lines: string[] = [];
  const result = await runTour({ baseUrl: `http://127.0.0.1:${port}`, admin: { username: 'admin', password: PASSWORDS.admin! }, agentPassword: DEMO_AGENT_PASSWORD, log: (l) => lines.push(l) });
  expect(result.ticks).toEqual(['sent', 'delivered', 'read']);
  expect((await h.rt.sb.tickets.get(result.ticketId)).assigneeId).toBe(result.agentId);
  expect((await h.rt.sb.messages.list({ ticketId: result.ticketId })).items.map((m) => m.status)).toEqual(['received', 'read']);
  expect(lines).toHaveLength(8);
});
