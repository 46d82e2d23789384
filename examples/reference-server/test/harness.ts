import { ManualClock } from '@switchboard/core/simulator';
import { loadConfig } from '../src/config.js';
import { startRuntime, type Runtime } from '../src/runtime.js';
import { seed } from '../src/seed.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response JSON is checked by each assertion
export type Json = any;

export interface Harness {
  rt: Runtime;
  clock: ManualClock;
  /** JSON request; `token` adds the bearer header. */
  call(method: string, path: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: Json; headers: Headers }>;
  login(username: string, password?: string): Promise<string>;
  /** The simulated customer writes; returns the ticket it landed on. */
  customerSays(from: string, text: string, name?: string): Promise<{ ticketId: string; assigneeId: string | null }>;
  stop(): Promise<void>;
}

export const PASSWORDS: Record<string, string> = { admin: 'admin-demo-pass', manager: 'manager-demo-pass', mona: 'agent-demo-pass', omar: 'agent-demo-pass', sara: 'agent-demo-pass' };

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const clock = new ManualClock('2026-11-21T10:00:00+02:00');
  const config = loadConfig({ DATA_DIR: 'memory://', LOG_LEVEL: 'silent', PASSWORD_SCRYPT_LOG2N: '10', ...env });
  const rt = await startRuntime(config, { clock });
  await seed(rt.sb, rt.auth, config);
  const call: Harness['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    }
    const res = await rt.app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON (csv, xlsx, sse) */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    rt,
    clock,
    call,
    async login(username, password = PASSWORDS[username]) {
      const res = await call('POST', '/api/v1/auth/login', { body: { username, password } });
      if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.token as string;
    },
    async customerSays(from, text, name) {
      const sim = rt.channels.simulator!;
      const providerId = await sim.driver.receive({ from, text, ...(name ? { name } : {}) });
      const message = await rt.sb.store.findMessageByProviderId(sim.channelId, providerId);
      const ticket = await rt.sb.tickets.get(message!.ticketId!);
      return { ticketId: ticket.id, assigneeId: ticket.assigneeId };
    },
    stop: () => rt.stop(),
  };
}
