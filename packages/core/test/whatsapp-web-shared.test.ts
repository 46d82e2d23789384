import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import {
  backoffDelay,
  chatIdCacheKey,
  contentFromWebMessage,
  deleteSessionSnapshot,
  DriverError,
  isWebSystemMessage,
  loadSessionSnapshot,
  meaningOfSocketState,
  parseVCard,
  Reconnector,
  resolveChatId,
  saveSessionSnapshot,
  sessionSnapshotInfo,
  shutDownBrowser,
  SNAPSHOT_CHUNK_CHARS,
  StoreError,
} from '../src/index.js';
import { ManualClock } from '../src/testing/manual-clock.js';
import { memoryChannelStorage } from '../src/testing/memory-channel-storage.js';

describe('meaningOfSocketState (WAState / SocketState)', () => {
  it.each([
    ['CONNECTED', 'connected', 'none'],
    ['OPENING', 'starting', 'none'],
    ['PAIRING', 'starting', 'none'],
    ['TIMEOUT', 'disconnected', 'reconnect'],
    ['CONFLICT', 'disconnected', 'none'],
    ['UNPAIRED', 'disconnected', 'relogin'],
    ['UNPAIRED_IDLE', 'disconnected', 'relogin'],
    ['TOS_BLOCK', 'failed', 'give_up'],
    ['SMB_TOS_BLOCK', 'failed', 'give_up'],
    ['DEPRECATED_VERSION', 'failed', 'give_up'],
    ['PROXYBLOCK', 'failed', 'give_up'],
  ])('%s → %s / %s', (raw, state, action) => {
    expect(meaningOfSocketState(raw)).toEqual({ state, action });
  });

  it('returns null for unknown values', () => {
    expect(meaningOfSocketState('SOMETHING_NEW')).toBeNull();
  });
});

describe('backoffDelay and Reconnector', () => {
  it('grows exponentially up to the cap, with bounded jitter', () => {
    const none = { jitter: 0 };
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, { initialDelayMs: 1000, ...none }))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelay(30, { initialDelayMs: 1000, maxDelayMs: 60_000, ...none })).toBe(60_000);
    expect(backoffDelay(0, { initialDelayMs: 1000, jitter: 0.5 }, () => 0)).toBe(500);
    expect(backoffDelay(0, { initialDelayMs: 1000, jitter: 0.5 }, () => 0.999999)).toBe(1500);
  });

  it('retries on the clock until connect succeeds, then starts over after reset()', async () => {
    const clock = new ManualClock();
    let failures = 2;
    const connect = vi.fn(async () => {
      if (failures-- > 0) throw new Error('still down');
    });
    const r = new Reconnector(clock, { initialDelayMs: 1000, jitter: 0 }, connect);
    expect(r.schedule()).toBe(1000);
    expect(r.schedule()).toBeNull();
    await clock.advance(999);
    expect(connect).toHaveBeenCalledTimes(0);
    await clock.advance(1);
    expect(connect).toHaveBeenCalledTimes(1);
    await clock.advance(2000);
    expect(connect).toHaveBeenCalledTimes(2);
    await clock.advance(4000);
    expect(connect).toHaveBeenCalledTimes(3);
    expect(r.pending).toBe(false);
    r.reset();
    expect(r.schedule()).toBe(1000);
    r.cancel();
    await clock.advance(10_000);
    expect(connect).toHaveBeenCalledTimes(3);
    expect(r.schedule()).toBeNull();
  });

  it('does not hold the clock while an attempt is in progress', async () => {
    const clock = new ManualClock();
    let release: () => void = () => undefined;
    const connect = vi.fn(() => new Promise<void>((resolve) => (release = resolve)));
    const r = new Reconnector(clock, { initialDelayMs: 10, jitter: 0 }, connect);
    r.schedule();
    await clock.advance(10);
    expect(connect).toHaveBeenCalledTimes(1);
    release();
  });

  it('runs an immediate attempt without delay', async () => {
    const clock = new ManualClock();
    const connect = vi.fn(async () => undefined);
    const r = new Reconnector(clock, {}, connect);
    expect(r.schedule(true)).toBe(0);
    await clock.advance(0);
    expect(connect).toHaveBeenCalledTimes(1);
  });
});

describe('resolveChatId', () => {
  it('resolves a phone once through the engine and caches the canonical id', async () => {
    const storage = memoryChannelStorage();
    const lookup = vi.fn(async (id: string) => (id === '5511987654321@c.us' ? '551187654321@c.us' : null));
    const to = { phone: '+5511987654321', address: null };
    expect(await resolveChatId({ to, storage, lookup })).toEqual({ chatId: '551187654321@c.us', learned: true });
    expect(await resolveChatId({ to, storage, lookup })).toEqual({ chatId: '551187654321@c.us', learned: false });
    expect(lookup).toHaveBeenCalledTimes(1);
    expect(storage.values.get(chatIdCacheKey('+5511987654321'))).toBe('551187654321@c.us');
  });

  it('prefers the provider address (including @lid) and never looks it up', async () => {
    const lookup = vi.fn(async () => 'x@c.us');
    const storage = memoryChannelStorage();
    expect(await resolveChatId({ to: { phone: '+201001234567', address: '123456789012345@lid' }, storage, lookup })).toEqual({ chatId: '123456789012345@lid', learned: false });
    expect(lookup).not.toHaveBeenCalled();
  });

  it('fails as undeliverable when the number is not on WhatsApp, caching nothing', async () => {
    const storage = memoryChannelStorage();
    const error = await resolveChatId({ to: { phone: '+201001234567', address: null }, storage, lookup: async () => null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriverError);
    expect(error).toMatchObject({ code: 'undeliverable', retryable: false, providerCode: 'not_on_whatsapp' });
    expect(storage.values.size).toBe(0);
  });

  it('rejects a recipient without phone or usable address', async () => {
    const storage = memoryChannelStorage();
    const lookup = vi.fn(async () => null);
    await expect(resolveChatId({ to: { phone: null, address: 'not-an-id' }, storage, lookup })).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(resolveChatId({ to: { phone: '12', address: null }, storage, lookup })).rejects.toMatchObject({ code: 'invalid_request' });
    expect(lookup).not.toHaveBeenCalled();
  });
});

describe('session snapshots in channel storage', () => {
  const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) % 256);

  it('round-trips bytes across several chunks and replaces the previous generation', async () => {
    const storage = memoryChannelStorage();
    const big = bytes(Math.ceil(SNAPSHOT_CHUNK_CHARS * 1.9), 7); // base64 grows 4/3: three chunks
    const info = await saveSessionSnapshot(storage, 'session', big, new Date('2026-01-01T00:00:00Z'));
    expect(info.bytes).toBe(big.byteLength);
    expect(storage.values.size).toBe(1 + 3);
    expect(Buffer.from((await loadSessionSnapshot(storage, 'session'))!).equals(Buffer.from(big))).toBe(true);

    const small = bytes(10, 1);
    await saveSessionSnapshot(storage, 'session', small, new Date('2026-01-02T00:00:00Z'));
    expect(storage.values.size).toBe(1 + 1);
    expect([...(await loadSessionSnapshot(storage, 'session'))!]).toEqual([...small]);
    expect(await sessionSnapshotInfo(storage, 'session')).toMatchObject({ bytes: 10, savedAt: '2026-01-02T00:00:00.000Z' });
  });

  it('detects a damaged chunk and deletes everything on delete', async () => {
    const storage = memoryChannelStorage();
    await saveSessionSnapshot(storage, 'session', bytes(100, 3), new Date());
    const chunk = [...storage.values.keys()].find((k) => k !== 'session')!;
    storage.values.set(chunk, Buffer.from('tampered').toString('base64'));
    await expect(loadSessionSnapshot(storage, 'session')).rejects.toBeInstanceOf(StoreError);
    storage.values.delete(chunk);
    await expect(loadSessionSnapshot(storage, 'session')).rejects.toMatchObject({ code: 'session_snapshot_corrupt' });
    await deleteSessionSnapshot(storage, 'session');
    expect(storage.values.size).toBe(0);
    expect(await loadSessionSnapshot(storage, 'session')).toBeNull();
  });
});

class FakeProcess extends EventEmitter {
  readonly pid = undefined;
  exitCode: number | null = null;
  signalCode: string | null = null;
  readonly signals: Array<string | number | undefined> = [];
  constructor(private readonly diesOn: string | null) {
    super();
  }
  kill(signal?: NodeJS.Signals | number): boolean {
    this.signals.push(signal);
    if (signal === this.diesOn) this.exit(null, String(signal));
    return true;
  }
  exit(code: number | null, signal: string | null): void {
    this.exitCode = code;
    this.signalCode = signal;
    this.emit('exit', code, signal);
  }
}

describe('shutDownBrowser', () => {
  it('is done when the library close ends the process', async () => {
    const proc = new FakeProcess(null);
    const outcome = await shutDownBrowser({ close: async () => proc.exit(0, null), process: proc, clock: new ManualClock() });
    expect(outcome).toBe('closed');
    expect(proc.signals).toEqual([]);
  });

  it('kills the process when close hangs and it does not exit', async () => {
    const clock = new ManualClock();
    const proc = new FakeProcess('SIGKILL');
    const done = shutDownBrowser({ close: () => new Promise(() => undefined), process: proc, clock, timeoutMs: 5000 });
    await clock.advance(5000);
    await clock.advance(5000);
    expect(await done).toBe('killed');
    expect(proc.signals).toEqual(['SIGKILL']);
    expect(proc.signalCode).toBe('SIGKILL');
  });

  it.runIf(process.platform === 'linux')('kills what is left of the process group after the main process died (real processes)', async () => {
    // A detached shell (group leader) with a child that outlives it, like a crashed Chromium's renderers.
    const leader = spawn('sh', ['-c', 'sleep 300 & echo $!; wait'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    const childPid = Number(await new Promise<string>((resolve) => leader.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()))));
    const pgid = leader.pid!;
    const exited = new Promise((resolve) => leader.once('exit', resolve));
    leader.kill('SIGKILL');
    await exited;
    expect(liveGroupMembers(pgid)).toEqual([childPid]);
    expect(await shutDownBrowser({ close: async () => undefined, process: leader, clock: new ManualClock() })).toBe('closed');
    for (let i = 0; i < 2_000 && liveGroupMembers(pgid).length > 0; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(liveGroupMembers(pgid)).toEqual([]);
  });

  it('still runs close when there is no process to watch', async () => {
    const close = vi.fn(async () => undefined);
    expect(await shutDownBrowser({ close, process: null, clock: new ManualClock() })).toBe('no_process');
    expect(close).toHaveBeenCalledTimes(1);
  });
});

describe('contentFromWebMessage', () => {
  const ref = { providerRef: 'false_201001234567@c.us_3EB0AA' };

  it('maps text, media, location, contacts and replies', () => {
    expect(contentFromWebMessage({ type: 'chat', body: 'hi' }, ref)).toEqual({ type: 'text', text: 'hi' });
    expect(contentFromWebMessage({ type: 'image', body: '/9j/4AAQ…thumbnail', caption: 'receipt', mimetype: 'image/jpeg', size: 2048, filehash: 'q1w2e3=' }, ref)).toEqual({
      type: 'media',
      kind: 'image',
      providerRef: ref.providerRef,
      mimeType: 'image/jpeg',
      size: 2048,
      caption: 'receipt',
      sha256: 'q1w2e3=',
    });
    expect(contentFromWebMessage({ type: 'ptt', mimetype: 'audio/ogg; codecs=opus', caption: 'x' }, ref)).toEqual({
      type: 'media',
      kind: 'voice',
      providerRef: ref.providerRef,
      mimeType: 'audio/ogg; codecs=opus',
    });
    expect(contentFromWebMessage({ type: 'document', filename: 'invoice.pdf', mimetype: 'application/pdf' }, ref)).toMatchObject({ kind: 'document', filename: 'invoice.pdf' });
    expect(contentFromWebMessage({ type: 'location', lat: 30.0444, lng: 31.2357, loc: 'Tahrir Square\nCairo, Egypt', clientUrl: 'https://maps.example/x' }, ref)).toEqual({
      type: 'location',
      latitude: 30.0444,
      longitude: 31.2357,
      name: 'Tahrir Square',
      address: 'Cairo, Egypt',
      url: 'https://maps.example/x',
    });
    const vcard = 'BEGIN:VCARD\nVERSION:3.0\nN:Hassan;Mona;;;\nFN:Mona Hassan\nTEL;type=CELL;type=VOICE;waid=201001234567:+20 100 123 4567\nEND:VCARD';
    expect(contentFromWebMessage({ type: 'vcard', body: vcard }, ref)).toEqual({
      type: 'contacts',
      contacts: [{ name: 'Mona Hassan', phones: [{ phone: '+20 100 123 4567', waId: '201001234567', type: 'CELL' }] }],
    });
    expect(contentFromWebMessage({ type: 'multi_vcard', vcardList: [{ vcard }, { vcard: 'BEGIN:VCARD\nFN:Ali\nEND:VCARD' }] }, ref)).toMatchObject({
      type: 'contacts',
      contacts: [{ name: 'Mona Hassan' }, { name: 'Ali', phones: [] }],
    });
    expect(contentFromWebMessage({ type: 'buttons_response', body: 'Yes', selectedButtonId: 'confirm' }, ref)).toEqual({ type: 'interactive_reply', kind: 'button', id: 'confirm', title: 'Yes' });
    expect(
      contentFromWebMessage({ type: 'list_response', body: 'Giza', listResponse: { title: 'Giza', description: 'West bank', singleSelectReply: { selectedRowId: 'branch-giza' } } }, ref),
    ).toEqual({ type: 'interactive_reply', kind: 'list', id: 'branch-giza', title: 'Giza', description: 'West bank' });
  });

  it('keeps anything else as unsupported with the raw message', () => {
    const raw = { type: 'poll_creation', pollName: 'Lunch?' };
    expect(contentFromWebMessage(raw, ref)).toEqual({ type: 'unsupported', providerType: 'poll_creation', raw });
    expect(contentFromWebMessage({ type: 'location', lat: 'x', lng: 1 }, ref)).toMatchObject({ type: 'unsupported', providerType: 'location' });
    expect(contentFromWebMessage({ type: 'buttons_response' }, ref)).toMatchObject({ type: 'unsupported' });
    expect(contentFromWebMessage({}, ref)).toMatchObject({ type: 'unsupported', providerType: 'unknown' });
  });

  it('recognizes system messages', () => {
    expect(isWebSystemMessage({ type: 'e2e_notification' })).toBe(true);
    expect(isWebSystemMessage({ type: 'chat', isNotification: true })).toBe(true);
    expect(isWebSystemMessage({ type: 'chat' })).toBe(false);
  });
});

describe('parseVCard', () => {
  it('reads folded lines, escapes, item-prefixed properties, emails and organization', () => {
    const card = ['BEGIN:VCARD', 'VERSION:3.0', 'FN:Omar\\, Jr.', 'item1.TEL;waid=971501234567:+971 50 123', ' 4567', 'EMAIL:omar@example.com', 'ORG:ACME;Sales', 'END:VCARD'].join('\r\n');
    expect(parseVCard(card)).toEqual({
      name: 'Omar, Jr.',
      phones: [{ phone: '+971 50 1234567', waId: '971501234567' }],
      emails: ['omar@example.com'],
      organization: 'ACME, Sales',
    });
    expect(parseVCard('BEGIN:VCARD\nEND:VCARD')).toBeNull();
  });
});

/** Linux: pids of the processes in group `pgid` that are not dead (zombies awaiting their reaper count as dead). */
function liveGroupMembers(pgid: number): number[] {
  const live: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') live.push(Number(entry));
  }
  return live;
}
