import type { CoreContext } from '../context.js';
import type { Actor } from '../domain/model.js';
import { SYSTEM_ACTOR } from '../domain/model.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { StoredCalendar } from '../store/store.js';
import type { CalendarState } from '../triggers/trigger-hook.js';
import { parseBusinessCalendar, type BusinessCalendar } from './business-calendar.js';
import { isOpen, nextOpening, openingVariables } from './opening.js';

/** A calendar to save: a name, an IANA zone, openings per weekday (0 = Sunday), holiday dates. */
export interface SaveCalendarRequest {
  /** Your id for it (e.g. `cairo-desk`, so config can name it): created or replaced. Omit to get a generated one. */
  id?: string;
  name: string;
  timeZone: string;
  weekly: BusinessCalendar['weekly'];
  holidays?: string[];
}

const CACHE_MS = 30_000;

/**
 * `sb.hours`: business-hours calendars. Validated when saved (unknown time zone, inverted or
 * overlapping intervals, holidays that are not dates → ValidationError naming each). Keyword
 * rules use them (`when: 'open' | 'closed'`, `{{hours.nextOpening}}`), and a channel with a
 * calendar (`channels.x.calendarId` or `routing.calendarId`) keeps new tickets queued while closed
 * and assigns them when it opens.
 */
export class HoursService {
  readonly #ctx: CoreContext;
  /** Calendars by id, briefly cached: routing asks on every new ticket. */
  readonly #cache = new Map<string, { calendar: StoredCalendar | null; until: number }>();

  constructor(ctx: CoreContext) {
    this.#ctx = ctx;
  }

  /** Create or replace a calendar. @throws ValidationError */
  async save(input: SaveCalendarRequest, actor: Actor = SYSTEM_ACTOR): Promise<StoredCalendar> {
    const name = typeof input?.name === 'string' ? input.name.trim() : '';
    if (name.length === 0 || name.length > 200) throw new ValidationError('A calendar needs a name (1–200 characters).', [{ path: 'name', message: 'required' }]);
    if (input.id !== undefined && (typeof input.id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(input.id))) {
      throw new ValidationError('A calendar id is 1–64 letters, digits, _ or -.', [{ path: 'id', message: 'invalid' }]);
    }
    const calendar = parseBusinessCalendar({ timeZone: input.timeZone, weekly: input.weekly, holidays: input.holidays ?? [] }, 'calendar');
    const stored = await this.#ctx.store.saveCalendar({ ...(input.id ? { id: input.id } : {}), name, calendar, at: this.#ctx.clock.now() });
    this.#cache.delete(stored.id);
    await this.#ctx.store.appendAudit({ actor, action: 'calendar.saved', entity: { type: 'calendar', id: stored.id }, data: { name, timeZone: stored.timeZone }, at: this.#ctx.clock.now() });
    return stored;
  }

  /** @throws NotFoundError */
  async get(id: string): Promise<StoredCalendar> {
    const calendar = await this.#lookup(id);
    if (!calendar) throw new NotFoundError('calendar', id);
    return calendar;
  }

  list(): Promise<StoredCalendar[]> {
    return this.#ctx.store.listCalendars();
  }

  /** @throws NotFoundError, ConflictError (`calendar_in_use` by rules) */
  async delete(id: string, actor: Actor = SYSTEM_ACTOR): Promise<void> {
    const users = (await this.#ctx.store.listTriggers()).filter((t) => t.calendarId === id);
    if (users.length > 0) {
      throw new ConflictError(`Calendar "${id}" is used by rules: ${users.map((t) => t.name).join(', ')}.`, { calendarId: id, triggers: users.map((t) => t.id) }, 'calendar_in_use');
    }
    if (!(await this.#ctx.store.deleteCalendar(id))) throw new NotFoundError('calendar', id);
    this.#cache.delete(id);
    await this.#ctx.store.appendAudit({ actor, action: 'calendar.deleted', entity: { type: 'calendar', id }, data: {}, at: this.#ctx.clock.now() });
  }

  /** @throws NotFoundError */
  async isOpen(id: string, at: Date = this.#ctx.clock.now()): Promise<boolean> {
    return isOpen(await this.get(id), at);
  }

  /** The next opening at or after `at` (`at` itself while open); null if it never opens. @throws NotFoundError */
  async nextOpening(id: string, at: Date = this.#ctx.clock.now()): Promise<Date | null> {
    return nextOpening(await this.get(id), at);
  }

  /** Open or closed at `at`, with `hours.*` reply variables. @throws NotFoundError */
  async state(id: string, at: Date = this.#ctx.clock.now()): Promise<CalendarState & { nextOpening: Date | null }> {
    const calendar = await this.get(id);
    const opening = nextOpening(calendar, at);
    return { open: opening?.getTime() === at.getTime(), nextOpening: opening, vars: openingVariables(calendar, opening) };
  }

  /** True when a calendar with this id exists. */
  async exists(id: string): Promise<boolean> {
    return (await this.#lookup(id)) !== null;
  }

  async #lookup(id: string): Promise<StoredCalendar | null> {
    const now = Date.now();
    const cached = this.#cache.get(id);
    if (cached && cached.until > now) return cached.calendar;
    const calendar = await this.#ctx.store.getCalendar(id);
    this.#cache.set(id, { calendar, until: now + CACHE_MS });
    return calendar;
  }
}
