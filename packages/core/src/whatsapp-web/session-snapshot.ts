import { createHash, randomBytes } from 'node:crypto';
import type { ChannelStorage } from '../driver/driver.js';
import { StoreError } from '../errors.js';

/**
 * A WhatsApp-Web session (a zipped/tarred browser profile) kept in channel storage, so a session
 * survives restarts and can move to another host. Values are JSON, so bytes are stored base64
 * in chunks of at most {@link SNAPSHOT_CHUNK_CHARS} characters; the manifest under `key` is
 * written last and names the generation of its chunks, so a crash mid-save leaves the previous
 * snapshot readable, and a reader never mixes chunks of two saves.
 */
export interface SessionSnapshotInfo {
  bytes: number;
  /** Hex sha256 of the bytes. */
  sha256: string;
  savedAt: string;
}

interface Manifest extends SessionSnapshotInfo {
  version: 1;
  generation: string;
  chunks: number;
}

/** Base64 characters per stored value (~750 KB of bytes). */
export const SNAPSHOT_CHUNK_CHARS = 1_000_000;

const chunkKey = (key: string, generation: string, index: number): string => `${key}#${generation}#${index}`;

function isManifest(value: unknown): value is Manifest {
  const m = value as Manifest | null;
  return !!m && m.version === 1 && typeof m.generation === 'string' && Number.isInteger(m.chunks) && typeof m.sha256 === 'string';
}

/** Store `bytes` under `key`, replacing any previous snapshot. */
export async function saveSessionSnapshot(storage: ChannelStorage, key: string, bytes: Uint8Array, now: Date): Promise<SessionSnapshotInfo> {
  const previous = await storage.get(key);
  const generation = randomBytes(6).toString('hex');
  const base64 = Buffer.from(bytes).toString('base64');
  const chunks = Math.max(1, Math.ceil(base64.length / SNAPSHOT_CHUNK_CHARS));
  for (let i = 0; i < chunks; i++) {
    await storage.set(chunkKey(key, generation, i), base64.slice(i * SNAPSHOT_CHUNK_CHARS, (i + 1) * SNAPSHOT_CHUNK_CHARS));
  }
  const manifest: Manifest = {
    version: 1,
    generation,
    chunks,
    bytes: bytes.byteLength,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    savedAt: now.toISOString(),
  };
  await storage.set(key, manifest);
  if (isManifest(previous)) await deleteChunks(storage, key, previous);
  return { bytes: manifest.bytes, sha256: manifest.sha256, savedAt: manifest.savedAt };
}

/**
 * The stored snapshot, or null when there is none.
 *
 * @throws StoreError `session_snapshot_corrupt` when chunks are missing or the digest does not match.
 */
export async function loadSessionSnapshot(storage: ChannelStorage, key: string): Promise<Uint8Array | null> {
  const manifest = await storage.get(key);
  if (manifest === null) return null;
  if (!isManifest(manifest)) throw new StoreError(`The session snapshot under "${key}" is not a snapshot manifest.`, { code: 'session_snapshot_corrupt' });
  const parts: string[] = [];
  for (let i = 0; i < manifest.chunks; i++) {
    const part = await storage.get<string>(chunkKey(key, manifest.generation, i));
    if (typeof part !== 'string') {
      throw new StoreError(`The session snapshot under "${key}" is missing chunk ${i + 1} of ${manifest.chunks}.`, { code: 'session_snapshot_corrupt' });
    }
    parts.push(part);
  }
  const bytes = Buffer.from(parts.join(''), 'base64');
  if (createHash('sha256').update(bytes).digest('hex') !== manifest.sha256) {
    throw new StoreError(`The session snapshot under "${key}" does not match its digest.`, { code: 'session_snapshot_corrupt' });
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Facts about the stored snapshot without reading it, or null. */
export async function sessionSnapshotInfo(storage: ChannelStorage, key: string): Promise<SessionSnapshotInfo | null> {
  const manifest = await storage.get(key);
  return isManifest(manifest) ? { bytes: manifest.bytes, sha256: manifest.sha256, savedAt: manifest.savedAt } : null;
}

/** Remove the snapshot (a logout: the stored session is no longer valid). */
export async function deleteSessionSnapshot(storage: ChannelStorage, key: string): Promise<void> {
  const manifest = await storage.get(key);
  await storage.delete(key);
  if (isManifest(manifest)) await deleteChunks(storage, key, manifest);
}

async function deleteChunks(storage: ChannelStorage, key: string, manifest: Manifest): Promise<void> {
  for (let i = 0; i < manifest.chunks; i++) await storage.delete(chunkKey(key, manifest.generation, i));
}
