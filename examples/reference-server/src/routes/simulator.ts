import { NotFoundError, SwitchboardError, normalizePhone } from '@switchboard/core';
import type { AppDeps } from '../http/app-env.js';
import { jsonBody, route, router, send, z } from '../http/openapi-route.js';
import { MessageSchema, isoDate } from '../http/schemas.js';

const Customer = z.object({
  phone: z.string().min(3).max(32).openapi({ param: { in: 'path', name: 'phone' }, example: '+201001234567' }),
});
const SayBody = z.object({ from: z.string().min(3).max(32).openapi({ example: '+201001234567' }), name: z.string().trim().min(1).max(100).optional(), text: z.string().min(1).max(4096) }).openapi('SimulatedMessageRequest');
const ReceiptBody = z.object({ messageId: z.string().min(1).max(128), status: z.enum(['delivered', 'read']) }).openapi('SimulatedReceiptRequest');
const PhoneMessage = z
  .object({ id: z.string(), direction: z.enum(['inbound', 'outbound']), text: z.string(), status: z.string(), at: isoDate, message: MessageSchema })
  .openapi('PhoneMessage', { description: "The conversation as the customer's phone shows it (inbound = the customer wrote)." });

/** The demo phone: play customers on the simulator channel (404 when the server has none). */
export function simulatorRoutes(deps: AppDeps) {
  const app = router();
  const { sb } = deps;
  const simulator = () => {
    if (!deps.simulator) throw new SwitchboardError('simulator_off', 'This server has no simulator channel (SIMULATOR=false).');
    return deps.simulator;
  };

  app.openapi(
    route({
      method: 'post',
      path: '/simulator/messages',
      tag: 'simulator',
      summary: 'A simulated customer sends a text message',
      status: 201,
      request: jsonBody(SayBody),
      response: z.object({ message: MessageSchema, ticketId: z.string().nullable() }).openapi('SimulatedMessage'),
    }),
    async (c) => {
      const sim = simulator();
      const body = c.req.valid('json');
      const providerId = await sim.driver.receive({ from: body.from, text: body.text, ...(body.name ? { name: body.name } : {}) });
      const message = await sb.store.findMessageByProviderId(sim.channelId, providerId);
      if (!message) throw new SwitchboardError('not_stored', 'The simulated message was not stored (see the server log).');
      return send(c, { message, ticketId: message.ticketId }, 201);
    },
  );

  app.openapi(
    route({
      method: 'get',
      path: '/simulator/conversations/{phone}',
      tag: 'simulator',
      summary: "A simulated customer's conversation on the simulator channel, oldest first",
      request: { params: Customer },
      response: z.object({ customerId: z.string().nullable(), items: z.array(PhoneMessage) }).openapi('PhoneConversation'),
    }),
    async (c) => {
      const sim = simulator();
      const phone = normalizePhone(c.req.valid('param').phone);
      const customer = await sb.customers.findByPhone(phone);
      if (!customer) return send(c, { customerId: null, items: [] });
      const history = await sb.customers.history(customer.id, { limit: 500 });
      const items = history.items
        .filter((m) => m.channelId === sim.channelId)
        .map((m) => ({ id: m.id, direction: m.direction, text: m.content.type === 'text' ? m.content.text : `[${m.content.type}]`, status: m.status, at: m.createdAt, message: m }));
      return send(c, { customerId: customer.id, items });
    },
  );

  app.openapi(
    route({
      method: 'post',
      path: '/simulator/receipts',
      tag: 'simulator',
      summary: "The simulated customer's phone reports a business message delivered or read",
      request: jsonBody(ReceiptBody),
      response: MessageSchema,
    }),
    async (c) => {
      const sim = simulator();
      const { messageId, status } = c.req.valid('json');
      const message = await sb.messages.get(messageId);
      if (message.channelId !== sim.channelId || message.direction !== 'outbound' || !message.providerMessageId) throw new NotFoundError('message', messageId);
      await sim.driver.receipt(message.providerMessageId, status);
      return send(c, await sb.messages.get(messageId));
    },
  );

  return app;
}
