import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freshSchema, testDatabaseUrl } from './database-url.js';
import { PASSWORDS } from './harness.js';
import { readUntil, type SseEvent } from './sse-reader.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

interface Server {
  url: string;
  child: ChildProcess;
}

/** Starts `src/server.ts` as its own process on a free port; resolves with its URL from the banner. */
function startServer(env: Record<string, string>): Promise<Server> {
  const child = spawn(TSX, ['--conditions=source', 'src/server.ts'], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', PASSWORD_SCRYPT_LOG2N: '10', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /reference server on (http:\/\/[^\s]+)/.exec(output)?.[1];
      if (url) resolve({ url, child });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)));
  });
}

async function stopServer(server: Server | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

async function login(server: Server, username: string): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORDS[username] }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

/** The updates carrying this ticket (its own changes or its messages). */
const about = (ticketId: string) => (e: SseEvent) => e.data.data?.ticket?.id === ticketId || e.data.data?.message?.ticketId === ticketId;

const url = testDatabaseUrl('two server processes on one Postgres (SSE across instances)');
describe.skipIf(!url)('two server processes on one Postgres', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map(stopServer));
  });

  it('a message received through process A appears on an SSE stream connected to process B, filtered per user', async () => {
    const env = { DATABASE_URL: url!, DATABASE_SCHEMA: freshSchema('two') };
    // A first: it migrates and seeds the fresh schema; B then finds both done.
    const a = await startServer(env);
    servers.push(a);
    const b = await startServer(env);
    servers.push(b);

    const streams = Object.fromEntries(
      await Promise.all(
        ['admin', 'mona', 'omar'].map(async (user) => {
          const res = await fetch(`${b.url}/api/v1/events`, { headers: { authorization: `Bearer ${await login(b, user)}` } });
          expect(res.status).toBe(200);
          return [user, res] as const;
        }),
      ),
    );
    const admin = await login(a, 'admin');
    const call = (method: string, path: string, body: unknown) =>
      fetch(`${a.url}/api/v1${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` }, body: JSON.stringify(body) });
    // Only mona takes work, so the ticket can only ever be hers.
    for (const agent of ['omar', 'sara']) expect((await call('PUT', `/agents/${agent}/status`, { status: 'offline' })).status).toBe(200);
    expect((await call('POST', '/simulator/messages', { from: '+201001234567', name: 'Ahmed', text: 'hello from process A' })).status).toBeLessThan(300);

    const adminSees = await readUntil(streams.admin!, (e) => e.event === 'message.received' && e.data.data.message.preview === 'hello from process A');
    const ticketId = adminSees.at(-1)!.data.data.ticket.id as string;
    // Outside the demo business hours the ticket waits in the queue: hand it to mona (through A as well).
    const ticket = (await (await call('GET', `/tickets/${ticketId}`, undefined)).json()) as { ticket: { assigneeId: string | null } };
    if (ticket.ticket.assigneeId !== 'mona') await call('POST', `/tickets/${ticketId}/transfer`, { agentId: 'mona' });

    const monaSees = await readUntil(streams.mona!, about(ticketId));
    expect(monaSees.length).toBeGreaterThan(0);

    // An update every agent sees, made after the ticket's: omar's stream up to it never mentions the ticket.
    expect((await call('PUT', '/agents/sara/status', { status: 'online' })).status).toBe(200);
    const omarSees = await readUntil(streams.omar!, (e) => e.event === 'agent.status_changed' && e.data.data.agent.id === 'sara' && e.data.data.agent.status === 'online');
    expect(omarSees.filter(about(ticketId))).toEqual([]);

    // Search on B over the shared database: mona finds the message on her ticket, omar finds nothing.
    for (const [user, expected] of [['mona', [ticketId]], ['omar', []]] as const) {
      const res = await fetch(`${b.url}/api/v1/messages/search?q=PROCESS%20hello`, { headers: { authorization: `Bearer ${await login(b, user)}` } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { items: Array<{ ticketId: string }> }).items.map((m) => m.ticketId), user).toEqual(expected);
    }
  }, 240_000);
});
