import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deleteSessionSnapshot, loadSessionSnapshot, saveSessionSnapshot, type DriverContext } from '@switchboard/core';
import * as tar from 'tar';

/**
 * Where a wppconnect session lives between runs.
 *
 * What a session is, in wppconnect 2.x: the Chromium profile (`userDataDir`). WhatsApp Web's
 * multi-device keys are in the profile's IndexedDB and Local Storage. wppconnect's `TokenStore`
 * interface (`getToken`/`setToken`/…, `SessionToken {WABrowserId, WAToken1, …}`) is a leftover of
 * the pre-multi-device WhatsApp Web: `create()` accepts it but 2.x never reads it, so storing
 * tokens there would restore nothing. Both stores below therefore work on the profile directory.
 */
export interface WppSessionStore {
  readonly kind: string;
  /**
   * Persist the profile every this many ms while the session is connected (null: never; the
   * store only saves after a clean shutdown, or not at all).
   */
  readonly backupIntervalMs: number | null;
  /** Before each browser launch: the `userDataDir` to use, with any saved session restored into it. */
  prepare(scope: SessionScope): Promise<string>;
  /** Save the profile (called with the browser closed, and periodically while connected). */
  persist(scope: SessionScope): Promise<void>;
  /** The device was logged out: forget the session. */
  remove(scope: SessionScope): Promise<void>;
}

export interface SessionScope {
  session: string;
  ctx: DriverContext;
}

export interface FolderSessionStoreOptions {
  /** Folder holding one profile per session, relative to the working directory (wppconnect's default `./tokens`). */
  folderNameToken?: string;
}

/**
 * wppconnect's own layout: the profile stays in `<cwd>/<folderNameToken>/<session>` on this host's
 * disk. Simple and fast; the session does not follow the channel to another host, and is lost
 * with the disk (an ephemeral container).
 */
export function folderSessionStore(options: FolderSessionStoreOptions = {}): WppSessionStore {
  const folder = options.folderNameToken ?? './tokens';
  const dir = (session: string): string => path.resolve(process.cwd(), folder, session);
  return {
    kind: 'folder',
    backupIntervalMs: null,
    async prepare({ session }) {
      await mkdir(dir(session), { recursive: true });
      return dir(session);
    },
    async persist() {
      // The profile is the folder: nothing to copy.
    },
    async remove({ session }) {
      await rm(dir(session), { recursive: true, force: true });
    },
  };
}

export interface SwitchboardSessionStoreOptions {
  /** Local working copy of the profile (default `<os tmpdir>/switchboard-wppconnect`). */
  workDir?: string;
  /** Save while connected every this many ms (default 15 min, at least 60 s; null disables). */
  backupIntervalMs?: number | null;
  /** Refuse to store archives above this size (default 64 MiB); the session then stays local only. */
  maxBytes?: number;
}

/** The profile parts WhatsApp Web keeps its session in. Caches, history and the rest are left out. */
export const SESSION_PROFILE_PATHS: readonly string[] = ['Default/IndexedDB', 'Default/Local Storage'];

/** Channel-storage key of the session archive. */
export const SESSION_SNAPSHOT_KEY = 'wppconnect.session';

/**
 * The session kept in the Switchboard store (`DriverContext.storage`), so it survives restarts and
 * moves with the channel to another host. The profile's IndexedDB and Local Storage are tarred,
 * gzipped and stored base64 in chunks (see core's `saveSessionSnapshot`): after a clean shutdown
 * (the browser closed, so the LevelDB files are consistent) and every `backupIntervalMs` while
 * connected (a crash loses at most that much). Trade-offs: WhatsApp Web's IndexedDB also holds
 * chat history, so archives are typically a few MB and can reach tens of MB on busy numbers;
 * every backup rewrites the whole archive; a snapshot taken while Chromium writes may be slightly
 * behind (the next one catches up); and only one process may run a session at a time.
 */
export function switchboardSessionStore(options: SwitchboardSessionStoreOptions = {}): WppSessionStore {
  const workDir = options.workDir ?? path.join(tmpdir(), 'switchboard-wppconnect');
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const interval = options.backupIntervalMs === undefined ? 15 * 60_000 : options.backupIntervalMs;
  if (interval !== null && (!Number.isFinite(interval) || interval < 60_000)) {
    throw new RangeError('switchboardSessionStore: backupIntervalMs must be at least 60000 (or null).');
  }
  const dir = ({ session, ctx }: SessionScope): string => path.join(workDir, `${safe(ctx.channelId)}-${safe(session)}`);
  return {
    kind: 'switchboard',
    backupIntervalMs: interval,
    async prepare(scope) {
      const target = dir(scope);
      await rm(target, { recursive: true, force: true });
      await mkdir(target, { recursive: true });
      const archive = await loadSessionSnapshot(scope.ctx.storage, SESSION_SNAPSHOT_KEY).catch((error: unknown) => {
        scope.ctx.logger.error({ err: errorMessage(error) }, 'stored wppconnect session is unreadable; starting without it (a new QR)');
        return null;
      });
      if (archive) {
        const file = `${target}.tgz`;
        await writeFile(file, archive);
        try {
          await tar.x({ file, cwd: target, strict: true });
        } finally {
          await rm(file, { force: true });
        }
      }
      return target;
    },
    async persist(scope) {
      const target = dir(scope);
      const present: string[] = [];
      for (const part of SESSION_PROFILE_PATHS) {
        if (await exists(path.join(target, part))) present.push(part);
      }
      if (present.length === 0) return;
      const file = `${target}.snapshot.tgz`;
      try {
        await tar.c({ file, cwd: target, gzip: true, portable: true }, present);
        const bytes = await readFile(file);
        if (bytes.byteLength > maxBytes) {
          scope.ctx.logger.error({ bytes: bytes.byteLength, maxBytes }, 'wppconnect session archive is larger than maxBytes; not stored (the session stays on this host only)');
          return;
        }
        await saveSessionSnapshot(scope.ctx.storage, SESSION_SNAPSHOT_KEY, bytes, scope.ctx.clock.now());
      } finally {
        await rm(file, { force: true });
      }
    },
    async remove(scope) {
      await deleteSessionSnapshot(scope.ctx.storage, SESSION_SNAPSHOT_KEY);
      await rm(dir(scope), { recursive: true, force: true });
    },
  };
}

async function exists(p: string): Promise<boolean> {
  try {
    const s = await stat(p);
    return s.isDirectory() ? (await readdir(p)).length > 0 : true;
  } catch {
    return false;
  }
}

function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_');
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
