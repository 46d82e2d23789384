import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DriverError, type MediaContent, type MediaDownload } from '@switchboard/core';
import { startHarness, type Harness } from './harness.js';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.stop());

/** The simulator has no media store: give this run's driver one (the provider side of the fake). */
function providerMedia(files: Record<string, { mimeType: string; bytes: Uint8Array<ArrayBuffer>; filename?: string } | Error>) {
  const asked: string[] = [];
  const driver = h.rt.channels.simulator!.driver as unknown as { downloadMedia?: (ref: string) => Promise<MediaDownload> };
  driver.downloadMedia = async (ref) => {
    asked.push(ref);
    const file = files[ref];
    if (file instanceof Error) throw file;
    if (!file) throw new DriverError('not_found', `no media ${ref} at https://provider.example/secret-token`);
    return { mimeType: file.mimeType, size: file.bytes.byteLength, ...(file.filename ? { filename: file.filename } : {}), stream: new Blob([file.bytes]).stream() };
  };
  return asked;
}

async function customerSends(content: MediaContent) {
  const sim = h.rt.channels.simulator!;
  const providerId = await sim.driver.receive({ from: '+201001234567', name: 'Ahmed', content });
  const message = (await h.rt.sb.store.findMessageByProviderId(sim.channelId, providerId))!;
  const ticket = await h.rt.sb.tickets.get(message.ticketId!);
  return { messageId: message.id, assigneeId: ticket.assigneeId! };
}

describe('GET /api/v1/messages/{id}/media', () => {
  it('streams the provider bytes inline for an image, to the agent who sees the ticket', async () => {
    const asked = providerMedia({ 'ref-photo': { mimeType: 'image/png', bytes: PNG, filename: 'fridge photo.png' } });
    const m = await customerSends({ type: 'media', kind: 'image', mimeType: 'image/png', providerRef: 'ref-photo' });
    const res = await h.rt.app.request(`/api/v1/messages/${m.messageId}/media`, { headers: { authorization: `Bearer ${await h.login(m.assigneeId)}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toBe('inline; filename="fridge_photo.png"');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG);
    expect(asked).toEqual(['ref-photo']);
  });

  it('hides the media from an agent who does not see the ticket (404) and needs a session (401)', async () => {
    const asked = providerMedia({ 'ref-photo': { mimeType: 'image/png', bytes: PNG } });
    const m = await customerSends({ type: 'media', kind: 'image', providerRef: 'ref-photo' });
    const other = ['mona', 'omar', 'sara'].find((a) => a !== m.assigneeId)!;
    const hidden = await h.call('GET', `/api/v1/messages/${m.messageId}/media`, { token: await h.login(other) });
    expect(hidden.status).toBe(404);
    expect((await h.call('GET', `/api/v1/messages/${m.messageId}/media`)).status).toBe(401);
    expect(asked).toEqual([]);
    // Staff see every message.
    expect((await h.call('GET', `/api/v1/messages/${m.messageId}/media`, { token: await h.login('manager') })).status).toBe(200);
  });

  it('serves active content (HTML, SVG) as an attachment, never inline', async () => {
    providerMedia({ 'ref-doc': { mimeType: 'text/html', bytes: new TextEncoder().encode('<script>alert(1)</script>') }, 'ref-svg': { mimeType: 'image/svg+xml', bytes: new TextEncoder().encode('<svg/>') } });
    const token = await h.login('admin');
    for (const ref of ['ref-doc', 'ref-svg']) {
      const m = await customerSends({ type: 'media', kind: 'document', providerRef: ref });
      const res = await h.call('GET', `/api/v1/messages/${m.messageId}/media`, { token });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
      expect(res.headers.get('content-security-policy')).toContain('sandbox');
    }
  });

  it('400 for a message without provider media; 409 when the channel cannot download; 502 without leaking the provider error', async () => {
    const token = await h.login('admin');
    const text = await h.customerSays('+201001234567', 'hello');
    const [first] = (await h.rt.sb.messages.list({ ticketId: text.ticketId })).items;
    expect((await h.call('GET', `/api/v1/messages/${first!.id}/media`, { token })).status).toBe(400);

    const m = await customerSends({ type: 'media', kind: 'image', providerRef: 'ref-gone' });
    const unsupported = await h.call('GET', `/api/v1/messages/${m.messageId}/media`, { token });
    expect(unsupported.status).toBe(409);
    expect(unsupported.body.error.code).toBe('not_supported');

    providerMedia({});
    const failed = await h.call('GET', `/api/v1/messages/${m.messageId}/media`, { token });
    expect(failed.status).toBe(502);
    expect(failed.body.error.code).toBe('media_unavailable');
    expect(JSON.stringify(failed.body)).not.toContain('secret-token');
  });
});
