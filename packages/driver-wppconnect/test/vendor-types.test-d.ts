/**
 * Type test (checked by `tsc` in `npm run typecheck`): the real wppconnect client and its event
 * payloads are assignable to the structural interfaces the driver is written against, so the fake
 * client in the tests cannot drift from the library. Fails to compile if wppconnect renames or
 * retypes anything the driver uses.
 */
import type { Ack, Message, Whatsapp, WhatsappProfile } from '@wppconnect-team/wppconnect';
import type { Browser } from 'puppeteer';
import { expectTypeOf } from 'vitest';
import type { WppAck, WppBrowser, WppClient, WppMessage, WppNumberStatus } from '../src/library/wpp-client.js';

expectTypeOf<Whatsapp>().toExtend<WppClient>();
expectTypeOf<Message>().toExtend<WppMessage>();
expectTypeOf<Ack>().toExtend<WppAck>();
expectTypeOf<WhatsappProfile>().toExtend<WppNumberStatus>();
expectTypeOf<Browser>().toExtend<WppBrowser>();

// The check is live: a client missing a method the driver calls is rejected.
// @ts-expect-error sendText is missing
expectTypeOf<Omit<Whatsapp, 'sendText'>>().toExtend<WppClient>();
// …and so is a message whose `t` is not a number.
// @ts-expect-error t has the wrong type
expectTypeOf<Omit<Message, 't'> & { t: string }>().toExtend<WppMessage>();
