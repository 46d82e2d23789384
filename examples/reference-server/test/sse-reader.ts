import type { Json } from './harness.js';

export interface SseEvent {
  event: string;
  data: Json;
}

/** Reads Server-Sent Events from a response until `found` accepts one; returns every event read (then stops reading). */
export async function readUntil(res: Response, found: (event: SseEvent) => boolean): Promise<SseEvent[]> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: SseEvent[] = [];
  let buffer = '';
  while (!events.some(found)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended; events read: ${events.map((e) => e.event).join(', ')}`);
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
    }
  }
  await reader.cancel();
  return events;
}
