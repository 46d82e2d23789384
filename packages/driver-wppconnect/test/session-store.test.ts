import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SESSION_SNAPSHOT_KEY, folderSessionStore, switchboardSessionStore } from '../src/index.js';
import { testContext } from './helpers.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sb-wpp-store-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function writeProfile(dir: string): Promise<void> {
  const files: Record<string, string> = {
    'Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb/000003.log': 'wawc keys',
    'Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb/CURRENT': 'MANIFEST-000001\n',
    'Default/Local Storage/leveldb/000005.ldb': 'last-wid-md',
    'Default/Cache/Cache_Data/f_000001': 'x'.repeat(10_000),
    'Default/Preferences': '{}',
  };
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
}

describe('folderSessionStore (wppconnect layout)', () => {
  it('keeps the profile in <folderNameToken>/<session> and deletes it on logout', async () => {
    const root = await tempDir();
    const t = testContext();
    const store = folderSessionStore({ folderNameToken: root });
    const dir = await store.prepare({ session: 'shop', ctx: t.ctx });
    expect(dir).toBe(path.join(root, 'shop'));
    expect(existsSync(dir)).toBe(true);
    expect(store.backupIntervalMs).toBeNull();
    await store.persist({ session: 'shop', ctx: t.ctx });
    expect(t.storage.values.size).toBe(0);
    await store.remove({ session: 'shop', ctx: t.ctx });
    expect(existsSync(dir)).toBe(false);
  });
});

describe('switchboardSessionStore (the session in channel storage)', () => {
  it('moves the WhatsApp Web session (IndexedDB, Local Storage) to another host, without caches', async () => {
    const t = testContext();
    const hostA = switchboardSessionStore({ workDir: await tempDir() });
    const dirA = await hostA.prepare({ session: 'shop', ctx: t.ctx });
    await writeProfile(dirA);
    await hostA.persist({ session: 'shop', ctx: t.ctx });
    expect(t.storage.values.has(SESSION_SNAPSHOT_KEY)).toBe(true);

    const hostB = switchboardSessionStore({ workDir: await tempDir() });
    const dirB = await hostB.prepare({ session: 'shop', ctx: t.ctx });
    expect(dirB).not.toBe(dirA);
    expect(await readFile(path.join(dirB, 'Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb/000003.log'), 'utf8')).toBe('wawc keys');
    expect(await readFile(path.join(dirB, 'Default/Local Storage/leveldb/000005.ldb'), 'utf8')).toBe('last-wid-md');
    expect(existsSync(path.join(dirB, 'Default/Cache'))).toBe(false);
    expect(existsSync(path.join(dirB, 'Default/Preferences'))).toBe(false);

    await hostB.remove({ session: 'shop', ctx: t.ctx });
    expect(t.storage.values.size).toBe(0);
    expect(existsSync(dirB)).toBe(false);
    const fresh = await hostA.prepare({ session: 'shop', ctx: t.ctx });
    expect(existsSync(path.join(fresh, 'Default'))).toBe(false);
  });

  it('stores nothing for an empty profile, refuses archives above maxBytes, and survives a damaged snapshot', async () => {
    const t = testContext();
    const tiny = switchboardSessionStore({ workDir: await tempDir(), maxBytes: 10 });
    const dir = await tiny.prepare({ session: 's', ctx: t.ctx });
    await tiny.persist({ session: 's', ctx: t.ctx });
    expect(t.storage.values.size).toBe(0);
    await writeProfile(dir);
    await tiny.persist({ session: 's', ctx: t.ctx });
    expect(t.storage.values.size).toBe(0);
    expect(t.logs.some((l) => l.level === 'error' && l.msg?.includes('maxBytes'))).toBe(true);

    const ok = switchboardSessionStore({ workDir: await tempDir() });
    const okDir = await ok.prepare({ session: 's', ctx: t.ctx });
    await writeProfile(okDir);
    await ok.persist({ session: 's', ctx: t.ctx });
    const chunk = [...t.storage.values.keys()].find((k) => k !== SESSION_SNAPSHOT_KEY)!;
    t.storage.values.set(chunk, Buffer.from('garbage').toString('base64'));
    const restored = await ok.prepare({ session: 's', ctx: t.ctx });
    expect(existsSync(path.join(restored, 'Default'))).toBe(false);
    expect(t.logs.some((l) => l.level === 'error' && l.msg?.includes('unreadable'))).toBe(true);
  });

  it('rejects a backup interval under a minute', () => {
    expect(() => switchboardSessionStore({ backupIntervalMs: 30_000 })).toThrow(RangeError);
    expect(switchboardSessionStore({ backupIntervalMs: null }).backupIntervalMs).toBeNull();
    expect(switchboardSessionStore().backupIntervalMs).toBe(15 * 60_000);
  });
});
