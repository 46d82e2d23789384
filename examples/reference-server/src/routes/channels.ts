import { SwitchboardError, type Driver } from '@switchboard/core';
import type { AppDeps } from '../http/app-env.js';
import { route, router, send, z } from '../http/openapi-route.js';
import { AuditEntrySchema, PageQuery, id, isoDate, pageOf } from '../http/schemas.js';

const Params = z.object({ id: id.openapi({ param: { in: 'path', name: 'id' } }) });
const ChannelSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    state: z.string().openapi({ description: 'connected, qr, connecting, disconnected, failed, logged_out, or unknown before the first report' }),
    reason: z.string().nullable(),
    since: isoDate.nullable(),
    hasQr: z.boolean(),
    controls: z.array(z.enum(['start', 'stop'])),
    capabilities: z.looseObject({}),
  })
  .openapi('Channel');
const QrSchema = z.object({ value: z.string().nullable(), imageDataUrl: z.string().nullable() }).openapi('ChannelQr');

/** Session controls some drivers expose (WAHA: `driver.session`); others cannot be started or stopped from here. */
interface SessionControls {
  start(): Promise<unknown>;
  stop(): Promise<unknown>;
}
const sessionOf = (driver: Driver | undefined): SessionControls | null => {
  const session = (driver as { session?: Partial<SessionControls> } | undefined)?.session;
  return session && typeof session.start === 'function' && typeof session.stop === 'function' ? (session as SessionControls) : null;
};
const notSupported = (channelId: string, what: string) => new SwitchboardError('not_supported', `Channel "${channelId}" (${what}) cannot do this from the API.`, { details: { channelId } });

export function channelRoutes(deps: AppDeps) {
  const app = router();
  const { sb } = deps;
  const describe = (channelId: string) => {
    const state = sb.channels.state(channelId);
    return {
      id: channelId,
      kind: deps.drivers[channelId]?.kind ?? 'unknown',
      state: state?.state ?? 'unknown',
      reason: state?.reason ?? null,
      since: state?.timestamp ?? null,
      hasQr: state?.state === 'qr' && !!state.qr,
      controls: sessionOf(deps.drivers[channelId]) ? ['start', 'stop'] : [],
      capabilities: sb.channels.capabilities(channelId),
    };
  };

  app.openapi(route({ method: 'get', path: '/channels', tag: 'channels', summary: 'Channels and their connection state', response: z.object({ items: z.array(ChannelSchema) }).openapi('ChannelList') }), (c) =>
    send(c, { items: sb.channels.ids().map(describe) }),
  );

  app.openapi(
    route({ method: 'get', path: '/channels/{id}/qr', tag: 'channels', summary: 'The QR code to scan (WAHA / WPPConnect sessions waiting for a phone)', roles: ['admin', 'manager'], request: { params: Params }, response: QrSchema }),
    async (c) => {
      const channelId = c.req.valid('param').id;
      describe(channelId); // unknown channel → 404
      const state = sb.channels.state(channelId);
      if (state?.state === 'qr' && state.qr) return send(c, { value: state.qr.value, imageDataUrl: state.qr.imageDataUrl ?? null });
      const driver = deps.drivers[channelId] as { qrCode?: () => Promise<{ imageDataUrl: string } | null> } | undefined;
      const image = driver?.qrCode ? await driver.qrCode() : null;
      if (image) return send(c, { value: null, imageDataUrl: image.imageDataUrl });
      throw new SwitchboardError('no_qr', `Channel "${channelId}" has no QR code to scan right now (state: ${state?.state ?? 'unknown'}).`);
    },
  );

  for (const action of ['start', 'stop'] as const) {
    app.openapi(
      route({ method: 'post', path: `/channels/{id}/${action}`, tag: 'channels', summary: `${action === 'start' ? 'Start' : 'Stop'} the provider session (drivers with session controls)`, roles: ['admin'], request: { params: Params }, response: ChannelSchema }),
      async (c) => {
        const channelId = c.req.valid('param').id;
        describe(channelId);
        const session = sessionOf(deps.drivers[channelId]);
        if (!session) throw notSupported(channelId, deps.drivers[channelId]?.kind ?? 'unknown');
        await session[action]();
        return send(c, describe(channelId));
      },
    );
  }

  app.openapi(
    route({
      method: 'get',
      path: '/audit',
      tag: 'audit',
      summary: 'The audit log, newest first',
      roles: ['admin'],
      request: {
        query: PageQuery.extend({
          entityType: z.string().max(64).optional().openapi({ param: { in: 'query' } }),
          entityId: z.string().max(128).optional().openapi({ param: { in: 'query' } }),
          actorId: z.string().max(128).optional().openapi({ param: { in: 'query' } }),
        }),
      },
      response: pageOf(AuditEntrySchema, 'AuditPage'),
    }),
    async (c) => send(c, await sb.audit.list(c.req.valid('query'))),
  );

  return app;
}
