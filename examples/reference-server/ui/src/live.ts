import { useEffect, useRef, useState } from 'preact/hooks';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { authHeaders } from './api.js';
import type { LiveUpdate } from './types.js';

export interface LiveOptions {
  onUpdate(update: LiveUpdate): void;
  /** The stream is (re)connected: reload state, updates may have been missed while it was down. */
  onConnected(): void;
  onDisconnected?(): void;
}

const MAX_RETRY_MS = 15_000;

/**
 * The user's live updates over fetch (EventSource cannot send the bearer token this tab uses),
 * reconnecting with a growing delay. Returns a function that closes it.
 */
export function connectLive(options: LiveOptions): () => void {
  let closed = false;
  let controller: AbortController | undefined;
  let retryMs = 1000;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const run = async () => {
    controller = new AbortController();
    try {
      const res = await fetch('/api/v1/events', { headers: { accept: 'text/event-stream', ...authHeaders() }, signal: controller.signal });
      if (!res.ok || !res.body) throw new Error(`event stream: HTTP ${res.status}`);
      const reader = res.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        const event = next.value;
        if (event.event === 'ready') {
          retryMs = 1000;
          options.onConnected();
          continue;
        }
        try {
          options.onUpdate(JSON.parse(event.data) as LiveUpdate);
        } catch {
          /* a malformed event is skipped, the stream goes on */
        }
      }
    } catch {
      /* network error or closed by us: retried below unless closed */
    }
    if (closed) return;
    options.onDisconnected?.();
    timer = setTimeout(() => void run(), retryMs);
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  };
  void run();
  return () => {
    closed = true;
    clearTimeout(timer);
    controller?.abort();
  };
}

/**
 * A number that grows on every (re)connection and on every live update `matches` accepts: use it
 * as an effect dependency to reload what the update may have changed.
 */
export function useLiveVersion(matches: (update: LiveUpdate) => boolean): number {
  const [version, setVersion] = useState(0);
  const latest = useRef(matches);
  latest.current = matches;
  useEffect(
    () =>
      connectLive({
        onConnected: () => setVersion((v) => v + 1),
        onUpdate: (update) => {
          if (latest.current(update)) setVersion((v) => v + 1);
        },
      }),
    [],
  );
  return version;
}
