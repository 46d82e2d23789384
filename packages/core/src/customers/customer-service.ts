import { z } from 'zod';
import type { CoreContext } from '../context.js';
import { parseInput } from '../domain/content-schema.js';
import type { Actor, Customer, CustomerNote, Message, Page, Ticket } from '../domain/model.js';
import { SYSTEM_ACTOR } from '../domain/model.js';
import { NotFoundError } from '../errors.js';
import { normalizePhone } from '../phone/phone-number.js';

const patchSchema = z
  .object({
    name: z.string().trim().min(1).max(200).nullable().optional(),
    tags: z.array(z.string().trim().min(1).max(64)).max(100).optional(),
  })
  .strict();
const noteSchema = z.string().trim().min(1, 'note must not be empty').max(10_000);
const listSchema = z.object({
  search: z.string().max(200).optional(),
  tag: z.string().max(64).optional(),
  limit: z.number().int().min(1).max(500).default(50),
  cursor: z.string().max(512).optional(),
});

/** `sb.customers`: the people who write in, their tags, notes and history. */
export class CustomerService {
  readonly #ctx: CoreContext;

  constructor(ctx: CoreContext) {
    this.#ctx = ctx;
  }

  /** @throws NotFoundError */
  async get(customerId: string): Promise<Customer> {
    const customer = await this.#ctx.store.getCustomer(customerId);
    if (!customer) throw new NotFoundError('customer', customerId);
    return customer;
  }

  /** The customer with this phone (any format `normalizePhone` accepts), or null. @throws InvalidPhoneError */
  async findByPhone(phone: string): Promise<Customer | null> {
    return this.#ctx.store.findCustomerByIdentity(normalizePhone(phone, { defaultCountry: this.#ctx.defaultCountry }));
  }

  async list(query: z.input<typeof listSchema> = {}): Promise<Page<Customer>> {
    return this.#ctx.store.listCustomers(parseInput(listSchema, query, 'customer query'));
  }

  /** Change name or tags (tags are replaced; duplicates removed). @throws NotFoundError, ValidationError */
  async update(customerId: string, patch: z.input<typeof patchSchema>, actor: Actor = SYSTEM_ACTOR): Promise<Customer> {
    const data = parseInput(patchSchema, patch, 'customer update');
    const customer = await this.#ctx.store.updateCustomer(customerId, {
      ...data,
      ...(data.tags ? { tags: [...new Set(data.tags)] } : {}),
      at: this.#ctx.clock.now(),
    });
    if (!customer) throw new NotFoundError('customer', customerId);
    await this.#audit(actor, 'customer.updated', customerId, data);
    return customer;
  }

  /** Add tags, keeping existing ones. */
  async tag(customerId: string, tags: string[], actor: Actor = SYSTEM_ACTOR): Promise<Customer> {
    const customer = await this.get(customerId);
    return this.update(customerId, { tags: [...customer.tags, ...tags] }, actor);
  }

  /** @throws NotFoundError, ValidationError */
  async addNote(customerId: string, text: string, author: Actor = SYSTEM_ACTOR): Promise<CustomerNote> {
    const body = parseInput(noteSchema, text, 'note');
    const note = await this.#ctx.store.addCustomerNote({ customerId, author, text: body, at: this.#ctx.clock.now() });
    if (!note) throw new NotFoundError('customer', customerId);
    await this.#audit(author, 'customer.note_added', customerId, { noteId: note.id });
    return note;
  }

  notes(customerId: string): Promise<CustomerNote[]> {
    return this.#ctx.store.listCustomerNotes(customerId);
  }

  /**
   * Opt a customer out of notifications (they are skipped with reason `opted_out`); by id, or by
   * phone (a customer record is created for a number never seen). @throws NotFoundError, InvalidPhoneError
   */
  async optOut(ref: { customerId: string } | { phone: string }, actor: Actor = SYSTEM_ACTOR): Promise<Customer> {
    return this.#setOptOut(ref, true, actor);
  }

  /** Opt a customer back in. @throws NotFoundError, InvalidPhoneError */
  async optIn(ref: { customerId: string } | { phone: string }, actor: Actor = SYSTEM_ACTOR): Promise<Customer> {
    return this.#setOptOut(ref, false, actor);
  }

  async #setOptOut(ref: { customerId: string } | { phone: string }, optedOut: boolean, actor: Actor): Promise<Customer> {
    let customerId: string;
    if ('phone' in ref) {
      const phone = normalizePhone(ref.phone, { defaultCountry: this.#ctx.defaultCountry });
      customerId = (await this.#ctx.store.upsertCustomer({ identity: phone, phone, name: null, at: this.#ctx.clock.now() })).customer.id;
    } else {
      customerId = ref.customerId;
    }
    const before = await this.get(customerId);
    const customer = await this.#ctx.store.setCustomerOptOut({ customerId, optedOut, at: this.#ctx.clock.now() });
    if (!customer) throw new NotFoundError('customer', customerId);
    if (before.optedOut !== optedOut) {
      this.#ctx.emit(optedOut ? 'customer.opted_out' : 'customer.opted_in', { customer, via: 'api' });
      await this.#audit(actor, optedOut ? 'customer.opted_out' : 'customer.opted_in', customerId, { via: 'api' });
    }
    return customer;
  }

  /**
   * GDPR erasure: replace the customer's name, phone, tags, notes, message contents and the
   * notifications sent to their phone with placeholders in one atomic step, keeping ids,
   * tickets, statuses and times so counts and KPIs survive (see `Store.eraseCustomer`). A new
   * message from the same phone creates a new customer. Audited (`customer.erased`) and
   * emitted (`customer.erased`). @throws NotFoundError
   */
  async erase(customerId: string, options: { actor?: Actor } = {}): Promise<Customer> {
    const customer = await this.#ctx.store.eraseCustomer({ customerId, at: this.#ctx.clock.now() });
    if (!customer) throw new NotFoundError('customer', customerId);
    await this.#audit(options.actor ?? SYSTEM_ACTOR, 'customer.erased', customerId, {});
    this.#ctx.emit('customer.erased', { customer });
    return customer;
  }

  /** Every message with this customer, across tickets and channels, oldest first. */
  history(customerId: string, page: { limit?: number; cursor?: string } = {}): Promise<Page<Message>> {
    return this.#ctx.store.listMessages({ customerId, limit: page.limit ?? 100, ...(page.cursor ? { cursor: page.cursor } : {}) });
  }

  /** The customer's tickets, newest first. */
  tickets(customerId: string, page: { limit?: number; cursor?: string } = {}): Promise<Page<Ticket>> {
    return this.#ctx.store.listTickets({ customerId, limit: page.limit ?? 50, ...(page.cursor ? { cursor: page.cursor } : {}) });
  }

  async #audit(actor: Actor, action: string, customerId: string, data: Record<string, unknown>): Promise<void> {
    await this.#ctx.store.appendAudit({ actor, action, entity: { type: 'customer', id: customerId }, data, at: this.#ctx.clock.now() });
  }
}
