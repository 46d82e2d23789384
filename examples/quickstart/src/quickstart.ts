import { createSwitchboard, type Switchboard } from '@switchboard/core';
import { ManualClock, simulatorDriver } from '@switchboard/core/simulator';
import { memoryStore } from '@switchboard/storage-memory';

/** Runs the quick-start story and returns the Switchboard (stopped) plus a printable summary. */
export async function runQuickstart(log: (line: string) => void = console.log): Promise<{ sb: Switchboard; summary: string[] }> {
  const clock = new ManualClock('2026-11-21T09:00:00+02:00');
  const phone = simulatorDriver(); // a fake WhatsApp number: this script plays the customers
  const sb = createSwitchboard({ store: memoryStore(), channels: { main: phone }, clock });

  sb.on('ticket.assigned', ({ ticket }) => log(`  → ticket …${ticket.id.slice(-6)} assigned to ${ticket.assigneeId}`));
  sb.on('ticket.transferred', ({ event }) => log(`  ⇄ transferred ${event.fromAgentId} → ${event.toAgentId ?? `branch ${event.toBranch}`} (${event.reason})`));
  await sb.start();

  // Three agents share the number; each can hold two conversations at once.
  await sb.agents.create({ id: 'mona', name: 'Mona', capacity: 2, status: 'online', branch: 'cairo' });
  await sb.agents.create({ id: 'omar', name: 'Omar', capacity: 2, status: 'online', branch: 'cairo' });
  await sb.agents.create({ id: 'sara', name: 'Sara', capacity: 2, status: 'online', branch: 'giza' });

  // Customers write in (the second message from Ahmed joins his open ticket).
  log('Customers write in:');
  const customers = [
    ['+201001234567', 'Ahmed', 'السلام عليكم، طلبي متأخر'],
    ['+201112223334', 'Laila', 'Do you have insulin pens in stock?'],
    ['+201223334445', 'Karim', 'I need to change my delivery address'],
    ['+966501234567', 'Fahd', 'هل تقبلون البطاقات؟'],
  ] as const;
  for (const [from, name, text] of customers) {
    log(`  ${name}: ${text}`);
    await phone.receive({ from, name, text });
    await clock.advance(60_000);
  }
  await phone.receive({ from: '+201001234567', name: 'Ahmed', text: 'رقم الطلب ٤٥٢١' });

  // Mona hands Fahd's question about card payments to Omar.
  const fahd = await sb.customers.findByPhone('+966 50 123 4567');
  const [fahdTicket] = (await sb.customers.tickets(fahd!.id)).items;
  await sb.tickets.transfer(fahdTicket!.id, { agentId: 'omar', reason: 'Omar handles card payments' }, { actor: { type: 'agent', id: fahdTicket!.assigneeId! } });

  // Agents reply; the phone reports delivery and read receipts (out of order on purpose).
  log('Agents reply:');
  for (const ticket of (await sb.tickets.list({ status: 'open' })).items) {
    const reply = await sb.messages.send({ ticketId: ticket.id, agentId: ticket.assigneeId!, text: 'Thanks for writing, I am on it.' });
    await phone.receipt(reply.providerMessageId!, 'read');
    await phone.receipt(reply.providerMessageId!, 'delivered');
    log(`  ${ticket.assigneeId}: "${reply.content.type === 'text' ? reply.content.text : ''}" → ${(await sb.messages.get(reply.id)).status}`);
  }

  const summary: string[] = [];
  for (const agent of await sb.agents.list()) summary.push(`${agent.name.padEnd(5)} (${agent.branch}) holds ${agent.openTickets}/${agent.capacity} tickets`);
  const all = (await sb.tickets.list({ limit: 50 })).items;
  summary.push(`${all.length} tickets, ${phone.sent.length} replies sent, ${(await sb.tickets.list({ status: 'queued' })).items.length} waiting in the queue`);
  await sb.stop();
  return { sb, summary };
}
