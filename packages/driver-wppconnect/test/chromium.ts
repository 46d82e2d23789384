import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where the smoke tests look for Debian's Chromium. */
export const CHROMIUM = process.env.CHROME_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);

/** Linux: pids in process group `pgid` that are still alive (zombies awaiting their reaper are dead). */
export function liveGroupMembers(pgid: number): number[] {
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

/**
 * Wait until no process of the group is alive. Yields to the event loop between checks (no
 * timers); the bound only stops a broken test from spinning forever.
 */
export async function groupGone(pgid: number): Promise<number[]> {
  for (let i = 0; i < 2_000; i++) {
    const live = liveGroupMembers(pgid);
    if (live.length === 0) return live;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return liveGroupMembers(pgid);
}

/** A page served on 127.0.0.1 (the only address the smoke tests ever open). */
export async function loopbackPage(html: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
