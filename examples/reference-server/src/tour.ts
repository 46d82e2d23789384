/**
 * The first tour over real HTTP: log in, play a customer on the demo phone, watch the ticket get
 * assigned on the live stream, reply as that agent, and watch the delivery ticks arrive.
 */
export interface TourOptions {
  baseUrl: string;
  admin: { username: string; password: string };
  /** Password of the agent logins (the seeded demo agents share one). */
  agentPassword: string;
  log?: (line: string) => void;
  /** Give up waiting for a live event after this long. */
  timeoutMs?: number;
}

interface LiveEvent {
  name: string;
  data: { ticket?: { id: string; assigneeId: string | null }; message?: { id: string; status: string; ticketId: string | null } };
}

export async function runTour(options: TourOptions): Promise<{ ticketId: string; agentId: string; ticks: string[] }> {
  const log = options.log ?? ((line: string) => console.log(line));
  const api = async (path: string, init: { token?: string; body?: unknown; method?: string } = {}) => {
    const res = await fetch(`${options.baseUrl}/api/v1${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const body = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };

  const admin = (await api('/auth/login', { body: options.admin })).token as string;
  log(`1. logged in as ${options.admin.username}`);

  const stream = await fetch(`${options.baseUrl}/api/v1/events`, { headers: { authorization: `Bearer ${admin}` } });
  const events = liveEvents(stream);
  const next = (match: (e: LiveEvent) => boolean, what: string) => events.until(match, options.timeoutMs ?? 10_000, what);
  await next((e) => e.name === 'ready', 'the stream to open');
  log('2. live stream open (GET /api/v1/events)');

  const said = await api('/simulator/messages', { token: admin, body: { from: '+201001234567', name: 'Ahmed', text: 'Hello, where is my order #4521?' } });
  const ticketId = said.ticketId as string;
  log(`3. demo phone: Ahmed wrote "Hello, where is my order #4521?" → ticket ${ticketId}`);

  const assigned = await next((e) => e.name === 'ticket.assigned' && e.data.ticket?.id === ticketId, 'the ticket to be assigned');
  const agentId = assigned.data.ticket!.assigneeId!;
  log(`4. live: ticket.assigned → ${agentId}`);

  const agent = (await api('/auth/login', { body: { username: agentId, password: options.agentPassword } })).token as string;
  const reply = await api(`/tickets/${ticketId}/messages`, { token: agent, body: { quickReply: 'hi' } });
  const messageId = reply.id as string;
  log(`5. ${agentId} replied with the /hi quick reply: "${(reply.content as { text: string }).text}"`);

  const ticks: string[] = [];
  const tick = async (status: string) => {
    await next((e) => e.data.message?.id === messageId && e.data.message.status === status, `the ${status} tick`);
    ticks.push(status);
  };
  if (reply.status === 'sent') ticks.push('sent');
  else await tick('sent');
  log('6. ✓ sent');
  await api('/simulator/receipts', { token: admin, body: { messageId, status: 'delivered' } });
  await tick('delivered');
  log('7. ✓✓ delivered (the phone received it; live: message.status)');
  await api('/simulator/receipts', { token: admin, body: { messageId, status: 'read' } });
  await tick('read');
  log('8. ✓✓ read (blue ticks)');
  await events.close();
  return { ticketId, agentId, ticks };
}

/** Parses an SSE response into events; `until` resolves with the first matching one (buffered). */
function liveEvents(res: Response) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const seen: LiveEvent[] = [];
  let buffer = '';
  const pull = async (): Promise<boolean> => {
    const { value, done } = await reader.read();
    if (done) return false;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const name = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (name && data) seen.push({ name, data: name === 'ready' ? {} : (JSON.parse(data) as { data: LiveEvent['data'] }).data });
    }
    return true;
  };
  return {
    async until(match: (e: LiveEvent) => boolean, timeoutMs: number, what: string): Promise<LiveEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = seen.findIndex(match);
        if (index >= 0) return seen.splice(index, 1)[0]!;
        if (Date.now() > deadline) throw new Error(`tour: timed out waiting for ${what}`);
        if (!(await pull())) throw new Error(`tour: the stream ended while waiting for ${what}`);
      }
    },
    close: () => reader.cancel(),
  };
}
