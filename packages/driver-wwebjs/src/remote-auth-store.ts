import { readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { StoreError, deleteSessionSnapshot, loadSessionSnapshot, saveSessionSnapshot, sessionSnapshotInfo, type DriverContext } from '@switchboard/core';
import type { RemoteAuthStore, WwebjsLibrary } from './wwebjs-types.js';

export interface SwitchboardRemoteAuthStoreOptions {
  /** RemoteAuth's `dataPath` (it writes `<dataPath>/<session>.zip` before calling `save`). */
  dataPath: string;
  /** Refuse archives above this size (default 64 MiB); the session then stays on this host only. */
  maxBytes?: number;
}

/** Channel-storage key of a RemoteAuth session archive. */
export function remoteAuthKey(session: string): string {
  return `wwebjs.remote-auth:${session}`;
}

/**
 * whatsapp-web.js `RemoteAuth` store kept in the Switchboard store (`DriverContext.storage`), so the
 * session survives restarts and follows the channel to another host.
 *
 * RemoteAuth passes zip files by path: `save({ session })` means "read `<dataPath>/<session>.zip`"
 * (the store is not told the path; it is RemoteAuth's `dataPath`, which the driver sets, so this
 * store knows it), `extract({ session, path })` means "write the zip to `path`". The zip bytes are
 * stored base64 in chunks with a sha256 check (core's session snapshots). Limits: the archive is
 * the profile's `Default/IndexedDB` and `Local Storage` (chat history included): a few MB, tens of
 * MB on busy numbers, rewritten whole on every backup (`backupSyncIntervalMs`, at least a minute);
 * archives above `maxBytes` are not stored.
 */
export function switchboardRemoteAuthStore(ctx: DriverContext, options: SwitchboardRemoteAuthStoreOptions): RemoteAuthStore {
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  return {
    async sessionExists({ session }) {
      return (await sessionSnapshotInfo(ctx.storage, remoteAuthKey(session))) !== null;
    },
    async save({ session }) {
      const file = path.join(options.dataPath, `${session}.zip`);
      const bytes = await readFile(file);
      if (bytes.byteLength > maxBytes) {
        ctx.logger.error({ bytes: bytes.byteLength, maxBytes }, 'whatsapp-web.js session archive is larger than maxBytes; not stored');
        return;
      }
      await saveSessionSnapshot(ctx.storage, remoteAuthKey(session), bytes, ctx.clock.now());
    },
    async extract({ session, path: target }) {
      let bytes: Uint8Array | null;
      try {
        bytes = await loadSessionSnapshot(ctx.storage, remoteAuthKey(session));
      } catch (error) {
        // A damaged archive would fail every start: drop it, so the next start asks for a new QR.
        ctx.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'stored whatsapp-web.js session is unreadable; deleted (a new QR will be needed)');
        await deleteSessionSnapshot(ctx.storage, remoteAuthKey(session));
        throw error;
      }
      if (!bytes) throw new StoreError(`No stored whatsapp-web.js session "${session}".`, { code: 'session_snapshot_missing' });
      await rm(target, { force: true });
      await writeFile(target, bytes);
    },
    async delete({ session }) {
      await deleteSessionSnapshot(ctx.storage, remoteAuthKey(session));
    },
  };
}

type RemoteAuthClass = WwebjsLibrary['RemoteAuth'];

/**
 * whatsapp-web.js's `RemoteAuth` with a restore that finishes before Chromium starts. Its
 * `unCompressSession` resolves on unzipper's `finish`, which fires when the zip has been read,
 * not when the files are written (wwebjs/whatsapp-web.js#2530, "RemoteAuth failed to load existing
 * session"); Chromium can then open a half-written profile. This subclass extracts with
 * unzipper's `Open.file(…).extract()`, which resolves after every file is closed. If a future
 * version renames the method, the class is returned unchanged.
 */
export function remoteAuthWithCompleteRestore(RemoteAuth: RemoteAuthClass, extract: (zipPath: string, dir: string) => Promise<void> = extractWithWwebjsUnzipper): RemoteAuthClass {
  if (typeof (RemoteAuth.prototype as { unCompressSession?: unknown } | undefined)?.unCompressSession !== 'function') return RemoteAuth;
  return class extends RemoteAuth {
    async unCompressSession(zipPath: string): Promise<void> {
      await extract(zipPath, (this as unknown as { userDataDir: string }).userDataDir);
      await rm(zipPath, { force: true });
    }
  };
}

/** Extract with the unzipper whatsapp-web.js itself depends on (its optional dependency for RemoteAuth). */
async function extractWithWwebjsUnzipper(zipPath: string, dir: string): Promise<void> {
  const wwebjs = createRequire(import.meta.url).resolve('whatsapp-web.js');
  const unzipper = createRequire(wwebjs)('unzipper') as { Open: { file(p: string): Promise<{ extract(o: { path: string; concurrency: number }): Promise<unknown> }> } };
  const directory = await unzipper.Open.file(zipPath);
  await directory.extract({ path: dir, concurrency: 10 });
}
