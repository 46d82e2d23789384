import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { startHarness, type Harness } from './harness.js';

describe('config', () => {
  it('defaults need nothing: embedded data dir, simulator, demo seed, CORS off', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, DATA_DIR: './data', SIMULATOR: true, SEED_DEMO: true, CORS_ORIGINS: [], BODY_LIMIT_BYTES: 1024 * 1024 });
  });

  it('a bad value stops startup with an error naming each variable, never its value', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://root:hunter2@db/x', CLOUDAPI_ACCESS_TOKEN: 'EAAG-secret-token' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { message, variables } = error as ConfigError;
    expect(variables).toEqual(['PORT', 'DATABASE_URL']);
    expect(message).toMatch(/reference-server: invalid configuration/);
    expect(message).not.toContain('hunter2');
    const partial = () => loadConfig({ CLOUDAPI_ACCESS_TOKEN: 'EAAG-secret-token' });
    expect(partial).toThrow(/CLOUDAPI_PHONE_NUMBER_ID/);
    expect(partial).not.toThrow(/EAAG/);
    expect(() => loadConfig({ WPPCONNECT_URL: 'http://wpp:21465' })).toThrow(/WPPCONNECT_WEBHOOK_SECRET[\s\S]*PUBLIC_URL/);
  });
});

describe('channels from the environment', () => {
  let h: Harness | undefined;
  afterEach(() => h?.stop());

  it('Cloud API credentials add a cloudapi channel whose webhook answers the verification handshake', async () => {
    h = await startHarness({
      CLOUDAPI_ACCESS_TOKEN: 'token-for-tests',
      CLOUDAPI_PHONE_NUMBER_ID: '1234567890',
      CLOUDAPI_APP_SECRET: 'app-secret-for-tests',
      CLOUDAPI_VERIFY_TOKEN: 'verify-me',
      CLOUDAPI_BASE_URL: 'http://127.0.0.1:9',
    });
    expect(h.rt.sb.channels.ids().sort()).toEqual(['cloudapi', 'sim']);
    const ok = await h.rt.app.request('/webhooks/cloudapi?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=42');
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('42');
    const wrong = await h.rt.app.request('/webhooks/cloudapi?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=42');
    expect(wrong.status).toBe(403);
    // an unsigned POST is refused: the raw body reaches the driver's signature check
    const unsigned = await h.rt.app.request('/webhooks/cloudapi', { method: 'POST', body: '{"object":"whatsapp_business_account","entry":[]}', headers: { 'content-type': 'application/json' } });
    expect(unsigned.status).toBe(401);
    const channels = await h.call('GET', '/api/v1/channels', { token: await h.login('admin') });
    expect(JSON.stringify(channels.body)).not.toMatch(/token-for-tests|app-secret-for-tests|verify-me/);
    expect((await h.rt.app.request('/webhooks/nope', { method: 'POST', body: '{}' })).status).toBe(404);
  });
});
