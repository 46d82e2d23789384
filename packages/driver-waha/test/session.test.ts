import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WahaDriver, WahaDriverOptions } from '../src/index.js';
import { envelope, HMAC_KEY, testContext, testDriver, webhookRequest, type TestContext } from './fixtures.js';
import { API_KEY, MockWaha } from './mock-waha.js';

describe('session lifecycle', () => {
  let mock: MockWaha;
  let driver: WahaDriver | undefined;
  let ctx: TestContext;
  let clockMs = 1767603600000;

  beforeEach(async () => {
    mock = await MockWaha.start();
    ctx = testContext();
    clockMs = 1767603600000;
  });

  afterEach(async () => {
    await driver?.stop();
    driver = undefined;
    await mock.close();
  });

  async function start(options: Partial<WahaDriverOptions> = {}): Promise<WahaDriver> {
    driver = testDriver(mock, options);
    await driver.start(ctx);
    return driver;
  }

  /** WAHA posts `session.status` (and the mock's session moves to it). */
  async function status(value: string): Promise<void> {
    mock.status = value;
    clockMs += 1000;
    const response = await driver!.handleWebhook(
      webhookRequest(envelope('session.status', { name: 'default', status: value, statuses: [{ status: value, timestamp: clockMs }], data: null }, { timestamp: clockMs })),
    );
    expect(response.status).toBe(200);
  }

  const states = () => ctx.states().map((s) => s.state);

  describe('start', () => {
    it('reports a WORKING session as connected without touching it', async () => {
      await start();
      expect(ctx.states()).toMatchObject([{ type: 'connection.state', state: 'connected', reason: 'WORKING' }]);
      expect(mock.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/sessions/default']);
    });

    it('creates a missing session with the webhook (events, HMAC key, retries) and tagsEventsOn for WEBJS', async () => {
      mock.sessionExists = false;
      await start({ engine: 'WEBJS', webhookUrl: 'https://desk.example.com/webhooks/waha', sessionConfig: { client: { deviceName: 'Desk' } } });
      const [create] = mock.calls('/api/sessions', 'POST');
      expect(create?.headers['x-api-key']).toBe(API_KEY);
      expect(create?.body).toEqual({
        name: 'default',
        start: true,
        config: {
          client: { deviceName: 'Desk' },
          webhooks: [
            {
              url: 'https://desk.example.com/webhooks/waha',
              events: ['message.any', 'message.ack', 'message.reaction', 'message.revoked', 'session.status'],
              hmac: { key: HMAC_KEY },
              retries: { policy: 'exponential', delaySeconds: 2, attempts: 10 },
            },
          ],
          webjs: { tagsEventsOn: true },
        },
      });
      expect(states()).toEqual(['starting']);
    });

    it('with createSession off, a missing session fails the start', async () => {
      mock.sessionExists = false;
      driver = testDriver(mock, { createSession: false });
      await expect(driver.start(ctx)).rejects.toMatchObject({ code: 'session_not_found' });
      expect(mock.calls('/api/sessions', 'POST')).toHaveLength(0);
    });

    it('starts a STOPPED session', async () => {
      mock.status = 'STOPPED';
      await start();
      expect(mock.calls('/api/sessions/default/start', 'POST')).toHaveLength(1);
      expect(states()).toEqual(['starting']);
    });

    it('session.start() is idempotent: WAHA’s 422 "already started" returns the current status', async () => {
      await start();
      const info = await driver!.session.start();
      expect(info.status).toBe('WORKING');
      expect(mock.calls('/api/sessions/default/start', 'POST')).toHaveLength(1);
    });

    it('warns when WEBJS runs without tagsEventsOn (no acks)', async () => {
      mock.sessionConfig = { webjs: { tagsEventsOn: false } };
      await start();
      expect(ctx.logs.some((l) => l.level === 'warn' && /tagsEventsOn/.test(l.msg ?? ''))).toBe(true);
    });

    it('WAHA unreachable at start: reports disconnected, then the status poll ensures the session', async () => {
      mock.failNext('GET', '/api/sessions/default', 503);
      mock.status = 'STOPPED';
      await start({ statusPollMs: 60_000 });
      expect(ctx.states()).toMatchObject([{ state: 'disconnected' }]);
      await ctx.clock.advance(60_000);
      expect(mock.calls('/api/sessions/default/start', 'POST')).toHaveLength(1);
      expect(states()).toEqual(['disconnected', 'starting']);
    });

    it('the status poll reports changes WAHA did not send a webhook for', async () => {
      await start({ statusPollMs: 60_000 });
      mock.status = 'STOPPED';
      await ctx.clock.advance(60_000);
      mock.status = 'STOPPED';
      await ctx.clock.advance(60_000);
      expect(states()).toEqual(['connected', 'stopped']);
      expect(mock.calls('/api/sessions/default', 'GET')).toHaveLength(3);
    });
  });

  describe('QR', () => {
    it('SCAN_QR_CODE → qr with the raw value and the PNG as a data URL, fetched again on every rotation', async () => {
      mock.status = 'SCAN_QR_CODE';
      await start();
      mock.qrRotation = 1;
      await status('SCAN_QR_CODE');
      mock.qrRotation = 2;
      await status('SCAN_QR_CODE');
      const qrs = ctx.states().filter((s) => s.state === 'qr');
      expect(qrs.map((s) => s.qr)).toEqual([
        { value: '2@qr-value-0', imageDataUrl: `data:image/png;base64,${Buffer.from('png-0').toString('base64')}` },
        { value: '2@qr-value-1', imageDataUrl: `data:image/png;base64,${Buffer.from('png-1').toString('base64')}` },
        { value: '2@qr-value-2', imageDataUrl: `data:image/png;base64,${Buffer.from('png-2').toString('base64')}` },
      ]);
      const image = mock.calls('/api/default/auth/qr').filter((r) => r.query.format === 'image');
      expect(image.every((r) => r.headers.accept === 'application/json')).toBe(true);
      expect(mock.calls('/api/default/auth/qr').filter((r) => r.query.format === 'raw')).toHaveLength(3);
    });

    it('session.qrImage / qrValue / requestCode call WAHA as documented', async () => {
      await start();
      expect(await driver!.session.qrImage()).toEqual({ mimetype: 'image/png', data: Buffer.from('png-0').toString('base64') });
      expect(await driver!.session.qrValue()).toBe('2@qr-value-0');
      expect(await driver!.session.requestCode('+20 100 123 4567')).toBe('ABCD-EFGH');
      expect(mock.calls('/api/default/auth/request-code', 'POST')[0]?.body).toEqual({ phoneNumber: '201001234567' });
    });
  });

  describe('FAILED → restart with backoff', () => {
    const recovery = { attempts: 3, baseDelayMs: 1_000, maxDelayMs: 2_500 };

    it('restarts after the base delay, then follows STARTING → QR rotations → WORKING', async () => {
      await start({ recovery });
      await status('FAILED');
      expect(ctx.states().at(-1)).toMatchObject({ state: 'failed', reason: 'FAILED: restarting the session in 1s (attempt 1/3)' });
      await ctx.clock.advance(999);
      expect(mock.calls('/api/sessions/default/restart', 'POST')).toHaveLength(0);
      await ctx.clock.advance(1);
      const [restart] = mock.calls('/api/sessions/default/restart', 'POST');
      expect(restart?.headers['x-api-key']).toBe(API_KEY);
      expect(driver!.state()).toMatchObject({ restartAttempts: 1, relinkRequired: false });

      await status('STARTING');
      mock.qrRotation = 7;
      await status('SCAN_QR_CODE');
      mock.qrRotation = 8;
      await status('SCAN_QR_CODE');
      await status('WORKING');
      expect(states()).toEqual(['connected', 'failed', 'starting', 'qr', 'qr', 'connected']);
      expect(ctx.states().filter((s) => s.state === 'qr').map((s) => s.qr?.value)).toEqual(['2@qr-value-7', '2@qr-value-8']);
      expect(driver!.state()).toEqual({ status: 'WORKING', connection: 'connected', restartAttempts: 0, relinkRequired: false });
    });

    it('doubles the delay up to the cap; after the attempts run out the state says re-link is needed', async () => {
      await start({ recovery });
      await status('FAILED');
      await ctx.clock.advance(1_000);
      await status('FAILED');
      expect(ctx.states().at(-1)?.reason).toBe('FAILED: restarting the session in 2s (attempt 2/3)');
      await ctx.clock.advance(1_999);
      expect(mock.calls('/api/sessions/default/restart', 'POST')).toHaveLength(1);
      await ctx.clock.advance(1);
      expect(mock.calls('/api/sessions/default/restart', 'POST')).toHaveLength(2);
      await status('FAILED');
      expect(ctx.states().at(-1)?.reason).toBe('FAILED: restarting the session in 2.5s (attempt 3/3)');
      await ctx.clock.advance(2_500);
      expect(mock.calls('/api/sessions/default/restart', 'POST')).toHaveLength(3);
      await status('FAILED');
      expect(ctx.states().at(-1)).toMatchObject({ state: 'failed', reason: expect.stringContaining('re-link needed') });
      expect(driver!.state()).toMatchObject({ relinkRequired: true, restartAttempts: 3 });
      await ctx.clock.advance(3_600_000);
      expect(mock.calls('/api/sessions/default/restart', 'POST')).toHaveLength(3);
      expect(ctx.clock.pendingTimers).toBe(0);
    });

    it('a restart call that fails counts as an attempt and schedules the next', async () => {
      await start({ recovery });
      mock.failNext('POST', '/api/sessions/default/restart', 500);
      await status('FAILED');
      await ctx.clock.advance(1_000);
      expect(ctx.states().at(-1)?.reason).toBe('FAILED: restarting the session in 2s (attempt 2/3)');
      await ctx.clock.advance(2_000);
      expect(mock.calls('/api/sessions/default/restart', 'POST')).toHaveLength(2);
      expect(states().at(-1)).toBe('starting');
    });

    it('a manual restart resets the backoff after a re-link was reported', async () => {
      await start({ recovery: { attempts: 0, baseDelayMs: 1_000, maxDelayMs: 1_000 } });
      await status('FAILED');
      expect(driver!.state().relinkRequired).toBe(true);
      await driver!.session.logout();
      await driver!.session.restart();
      expect(driver!.state()).toMatchObject({ relinkRequired: false, restartAttempts: 0 });
      expect(mock.calls('/api/sessions/default/logout', 'POST')).toHaveLength(1);
    });

    it('a stopped driver restarts nothing', async () => {
      await start({ recovery });
      await status('FAILED');
      await driver!.stop();
      await ctx.clock.advance(10_000);
      expect(mock.calls('/api/sessions/default/restart', 'POST')).toHaveLength(0);
    });
  });

  describe('other statuses', () => {
    it('passkey statuses (GOWS) → disconnected with a reason saying what to do', async () => {
      await start();
      await status('PASSKEY_REQUIRED');
      await status('PASSKEY_CONFIRMATION_REQUIRED');
      expect(ctx.states().slice(1)).toMatchObject([
        { state: 'disconnected', reason: expect.stringContaining('PASSKEY_REQUIRED') },
      ]);
      expect(driver!.state().status).toBe('PASSKEY_CONFIRMATION_REQUIRED');
    });

    it('an out-of-order (older) session.status is ignored', async () => {
      await start();
      const at = (ms: number, value: string) =>
        driver!.handleWebhook(webhookRequest(envelope('session.status', { name: 'default', status: value, statuses: [], data: null }, { timestamp: ms })));
      await at(2_000_000_000_000, 'STOPPED');
      await at(1_999_999_999_000, 'WORKING');
      expect(states()).toEqual(['connected', 'stopped']);
    });

    it('health() reports the WAHA status', async () => {
      await start();
      expect(await driver!.health()).toEqual({ ok: true, details: { session: 'default', status: 'WORKING', restartAttempts: 0, relinkRequired: false } });
    });
  });
});
