/**
 * Type test (checked by `tsc` in `npm run typecheck`): the real whatsapp-web.js module fits the
 * structural interfaces the driver is written against, so the fake library in the tests cannot
 * drift from it. Fails to compile if whatsapp-web.js renames or retypes anything the driver uses.
 */
import type * as WAWebJS from 'whatsapp-web.js';
import { expectTypeOf } from 'vitest';
import type { RemoteAuthStore, WwebjsBrowser, WwebjsClient, WwebjsLibrary, WwebjsMedia, WwebjsMessage } from '../src/wwebjs-types.js';

type Library = typeof WAWebJS;

expectTypeOf<Library>().toExtend<WwebjsLibrary>();
expectTypeOf<WAWebJS.Client>().toExtend<WwebjsClient>();
expectTypeOf<WAWebJS.Message>().toExtend<WwebjsMessage>();
expectTypeOf<WAWebJS.MessageMedia>().toExtend<WwebjsMedia>();
expectTypeOf<WAWebJS.MessageAck>().toExtend<number>();
expectTypeOf<WAWebJS.WAState>().toExtend<string>();
expectTypeOf<NonNullable<WAWebJS.Client['pupBrowser']>>().toExtend<WwebjsBrowser>();
// Our RemoteAuth store is accepted where whatsapp-web.js expects its Store.
expectTypeOf<RemoteAuthStore>().toExtend<WAWebJS.Store>();

// The check is live: a client without sendMessage, or a message whose timestamp is a string, is rejected.
// @ts-expect-error sendMessage is missing
expectTypeOf<Omit<WAWebJS.Client, 'sendMessage'>>().toExtend<WwebjsClient>();
// @ts-expect-error timestamp has the wrong type
expectTypeOf<Omit<WAWebJS.Message, 'timestamp'> & { timestamp: string }>().toExtend<WwebjsMessage>();
