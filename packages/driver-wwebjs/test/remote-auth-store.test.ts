/**
 * The RemoteAuth store against whatsapp-web.js's real `RemoteAuth` (its zip and unzip of the
 * profile, no browser): a session saved on one host is restored on another through the
 * Switchboard store, and a logout deletes it.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { remoteAuthKey, remoteAuthWithCompleteRestore, switchboardRemoteAuthStore } from '../src/index.js';
import type { RemoteAuthStore, WwebjsAuthStrategy } from '../src/wwebjs-types.js';
import { testContext } from './helpers.js';

const { RemoteAuth: StockRemoteAuth } = createRequire(import.meta.url)('whatsapp-web.js') as {
  RemoteAuth: new (o: { store: RemoteAuthStore; clientId?: string; dataPath?: string; backupSyncIntervalMs: number }) => WwebjsAuthStrategy & {
    storeRemoteSession(options?: { emit?: boolean }): Promise<void>;
  };
};

// What the driver constructs: the library's RemoteAuth with a restore that waits for every file.
const RemoteAuth = remoteAuthWithCompleteRestore(StockRemoteAuth) as unknown as typeof StockRemoteAuth;

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'sb-wwebjs-remote-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function strategy(store: RemoteAuthStore, dataPath: string) {
  const auth = new RemoteAuth({ store, clientId: 'shop', dataPath, backupSyncIntervalMs: 60_000 });
  const client = { options: { puppeteer: {} as { userDataDir?: string } }, emit: () => true };
  auth.setup(client);
  return { auth, client };
}

describe('switchboardRemoteAuthStore with whatsapp-web.js RemoteAuth', () => {
  it('overrides the racy unCompressSession of the installed whatsapp-web.js', () => {
    expect(RemoteAuth).not.toBe(StockRemoteAuth);
    expect(Object.getPrototypeOf(RemoteAuth)).toBe(StockRemoteAuth);
  });

  it('moves a session between hosts through channel storage and forgets it on logout', async () => {
    const t = testContext('shop');
    const dataA = await tempDir();
    const a = strategy(switchboardRemoteAuthStore(t.ctx, { dataPath: dataA }), dataA);
    await a.auth.beforeBrowserInitialized();
    const profileA = a.client.options.puppeteer.userDataDir!;
    expect(profileA).toBe(path.join(dataA, 'RemoteAuth-shop'));
    const files = {
      'Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb/000003.log': 'wawc keys',
      'Default/Local Storage/leveldb/000005.ldb': 'last-wid-md',
      'Default/Cache/Cache_Data/f_000001': 'cache',
    };
    for (const [name, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(profileA, name)), { recursive: true });
      await writeFile(path.join(profileA, name), content);
    }
    await a.auth.storeRemoteSession();
    expect(t.storage.values.has(remoteAuthKey('RemoteAuth-shop'))).toBe(true);
    expect(existsSync(path.join(dataA, 'RemoteAuth-shop.zip'))).toBe(false);

    const dataB = await tempDir();
    const b = strategy(switchboardRemoteAuthStore(t.ctx, { dataPath: dataB }), dataB);
    await b.auth.beforeBrowserInitialized();
    const profileB = b.client.options.puppeteer.userDataDir!;
    expect(profileB).toBe(path.join(dataB, 'RemoteAuth-shop'));
    expect(await readFile(path.join(profileB, 'Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb/000003.log'), 'utf8')).toBe('wawc keys');
    expect(await readFile(path.join(profileB, 'Default/Local Storage/leveldb/000005.ldb'), 'utf8')).toBe('last-wid-md');
    expect(existsSync(path.join(profileB, 'Default/Cache'))).toBe(false);

    await b.auth.logout();
    expect(t.storage.values.size).toBe(0);
    expect(existsSync(profileB)).toBe(false);
  });

  it('drops a damaged archive, so the next start asks for a QR instead of failing forever', async () => {
    const t = testContext('shop');
    const dataA = await tempDir();
    const store = switchboardRemoteAuthStore(t.ctx, { dataPath: dataA });
    await writeFile(path.join(dataA, 'RemoteAuth-shop.zip'), 'PK\u0003\u0004 not really a zip');
    await store.save({ session: 'RemoteAuth-shop' });
    const chunk = [...t.storage.values.keys()].find((k) => k.includes('#'))!;
    t.storage.values.set(chunk, Buffer.from('tampered').toString('base64'));

    const b = strategy(store, await tempDir());
    await expect(b.auth.beforeBrowserInitialized()).rejects.toMatchObject({ code: 'session_snapshot_corrupt' });
    expect(t.storage.values.size).toBe(0);
    expect(t.logs.some((l) => l.level === 'error' && l.msg?.includes('unreadable'))).toBe(true);
    expect(await store.sessionExists({ session: 'RemoteAuth-shop' })).toBe(false);
  });

  it('does not store archives above maxBytes', async () => {
    const t = testContext('shop');
    const dataPath = await tempDir();
    const store = switchboardRemoteAuthStore(t.ctx, { dataPath, maxBytes: 4 });
    await writeFile(path.join(dataPath, 'RemoteAuth-shop.zip'), 'more than four bytes');
    await store.save({ session: 'RemoteAuth-shop' });
    expect(t.storage.values.size).toBe(0);
  });
});
