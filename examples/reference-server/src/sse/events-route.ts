import { streamSSE } from 'hono/streaming';
import type { AppDeps } from '../http/app-env.js';
import { route, router } from '../http/openapi-route.js';
import { visibleTo } from './live-filter.js';
import type { LiveUpdate } from './live-hub.js';
import { z } from '../http/openapi-route.js';

const HEARTBEAT_MS = 25_000;

export function eventRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(
    route({
      method: 'get',
      path: '/events',
      tag: 'live',
      summary: 'Server-Sent Events: live updates for this user',
      description:
        'Each event is `event: <name>` (message.received, message.status, ticket.assigned, agent.status_changed, channel.state, notification.*) with `data: LiveUpdate` JSON. Agents receive only updates about their own tickets, agent presence and channel state. Authenticate with the session cookie (EventSource) or a bearer token. A `ready` event is sent first.',
      response: null,
      produces: { 'text/event-stream': { schema: z.string() } },
    }),
    (c) => {
      const user = c.get('user');
      return streamSSE(c, async (stream) => {
        const queue: LiveUpdate[] = [];
        let wake: (() => void) | undefined;
        let ended = false;
        const unsubscribe = deps.live.subscribe((update) => {
          if (update) queue.push(update);
          else ended = true;
          wake?.();
        });
        const assigneeOf = async (ticketId: string) => (await deps.sb.tickets.get(ticketId).catch(() => null))?.assigneeId ?? null;
        let heartbeat = deps.clock.setTimeout(function beat() {
          void stream.write(': keep-alive\n\n');
          heartbeat = deps.clock.setTimeout(beat, HEARTBEAT_MS);
        }, HEARTBEAT_MS);
        stream.onAbort(() => {
          unsubscribe();
          deps.clock.clearTimeout(heartbeat);
          wake?.();
        });
        await stream.writeSSE({ event: 'ready', data: JSON.stringify({ userId: user.id, role: user.role }) });
        while (!ended && !stream.aborted && !stream.closed) {
          const update = queue.shift();
          if (!update) {
            await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
            continue;
          }
          if (await visibleTo(user, update, assigneeOf)) {
            await stream.writeSSE({ id: update.id, event: update.name, data: JSON.stringify(update) });
          }
        }
        unsubscribe();
        deps.clock.clearTimeout(heartbeat);
      });
    },
  );
  return app;
}
