import type { Clock } from '../clock.js';

/**
 * Chromium flags for WhatsApp Web on a headless server (WPPConnect and whatsapp-web.js drivers):
 * no sandbox (containers, root), /tmp instead of a small /dev/shm, no GPU, and no background
 * traffic of the browser's own (component updates, sync, QUIC, first-run pages).
 */
export const SAFE_CHROMIUM_FLAGS: readonly string[] = Object.freeze([
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]);

/** The part of a Node `ChildProcess` (Puppeteer's `browser.process()`) needed to make sure it ends. */
export interface BrowserProcess {
  readonly pid?: number | undefined;
  readonly exitCode: number | null;
  readonly signalCode: string | null;
  kill(signal?: NodeJS.Signals | number): boolean;
  once(event: 'exit', listener: (...args: unknown[]) => void): unknown;
}

export interface ShutDownBrowserInput {
  /** The library's own close (`client.close()`, `client.destroy()`); may hang or throw. */
  close: () => Promise<unknown>;
  /** The browser process, when the library launched one we can see (null for remote browsers). */
  process: BrowserProcess | null;
  clock: Clock;
  /** How long `close` and then the process exit may take before the process group is killed (default 10 s). */
  timeoutMs?: number;
}

/** How the browser ended: closed by the library, or killed after the timeout. */
export type ShutDownOutcome = 'closed' | 'killed' | 'no_process';

export function hasExited(proc: BrowserProcess): boolean {
  return proc.exitCode !== null || proc.signalCode !== null;
}

/**
 * Close a WhatsApp-Web browser and make sure no Chromium is left behind: run the library's close
 * (bounded by `timeoutMs` on the clock), wait for the process to exit (bounded again), then SIGKILL
 * its process group (Puppeteer starts Chromium detached, as a group leader, so renderers and the
 * zygote go too) and wait for the exit event.
 */
export async function shutDownBrowser(input: ShutDownBrowserInput): Promise<ShutDownOutcome> {
  const timeoutMs = input.timeoutMs ?? 10_000;
  const proc = input.process;
  const exited = proc ? exitPromise(proc) : null;
  await within(input.clock, timeoutMs, input.close().catch(() => undefined));
  if (!proc || !exited) return 'no_process';
  let outcome: ShutDownOutcome = 'closed';
  if (!hasExited(proc) && (await within(input.clock, timeoutMs, exited)) === 'timeout') {
    killGroup(proc);
    // SIGKILL cannot be ignored; the bound only guards against a process we cannot signal.
    await within(input.clock, timeoutMs, exited);
    outcome = 'killed';
  }
  reapGroup(proc);
  return outcome;
}

/**
 * After the main process is gone (closed, crashed or killed), SIGKILL what is left of its process
 * group: renderers and the zygote of a crashed Chromium can outlive it. Safe: Linux does not give
 * a new process a pid that still names a process group, and without survivors the call fails.
 */
function reapGroup(proc: BrowserProcess): void {
  if (proc.pid === undefined || process.platform === 'win32') return;
  try {
    process.kill(-proc.pid, 'SIGKILL');
  } catch {
    // No survivors (ESRCH), or not a group leader.
  }
}

function exitPromise(proc: BrowserProcess): Promise<void> {
  if (hasExited(proc)) return Promise.resolve();
  return new Promise((resolve) => proc.once('exit', () => resolve()));
}

function killGroup(proc: BrowserProcess): void {
  if (proc.pid !== undefined && process.platform !== 'win32') {
    try {
      process.kill(-proc.pid, 'SIGKILL');
      return;
    } catch {
      // Not a group leader (or already gone): fall back to the process itself.
    }
  }
  try {
    proc.kill('SIGKILL');
  } catch {
    // Already gone.
  }
}

async function within<T>(clock: Clock, ms: number, promise: Promise<T>): Promise<T | 'timeout'> {
  let handle: ReturnType<Clock['setTimeout']> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    handle = clock.setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    if (handle) clock.clearTimeout(handle);
  }
}
