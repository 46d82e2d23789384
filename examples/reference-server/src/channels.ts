import type { Driver } from '@switchboard/core';
import { cloudApiDriver } from '@switchboard/driver-cloudapi';
import { wahaDriver } from '@switchboard/driver-waha';
import { wppconnectDriver } from '@switchboard/driver-wppconnect';
import { simulatorDriver, type SimulatorDriver } from '@switchboard/core/simulator';
import type { Config } from './config.js';

export const SIMULATOR_CHANNEL = 'sim';

export interface ConfiguredChannels {
  drivers: Record<string, Driver>;
  simulator: { channelId: string; driver: SimulatorDriver } | null;
}

/** Channel ids (and webhook paths `/webhooks/<id>`) of the env-configured providers. */
export const CLOUDAPI_CHANNEL = 'cloudapi';
export const WAHA_CHANNEL = 'waha';
export const WPPCONNECT_CHANNEL = 'wppconnect';

/** The channels the environment asks for (the simulator by default). */
export function channelsFromConfig(config: Config): ConfiguredChannels {
  const drivers: Record<string, Driver> = {};
  let simulator: ConfiguredChannels['simulator'] = null;
  if (config.SIMULATOR) {
    const driver = simulatorDriver();
    drivers[SIMULATOR_CHANNEL] = driver;
    simulator = { channelId: SIMULATOR_CHANNEL, driver };
  }
  if (config.CLOUDAPI_ACCESS_TOKEN && config.CLOUDAPI_PHONE_NUMBER_ID && config.CLOUDAPI_APP_SECRET && config.CLOUDAPI_VERIFY_TOKEN) {
    drivers[CLOUDAPI_CHANNEL] = cloudApiDriver({
      accessToken: config.CLOUDAPI_ACCESS_TOKEN,
      phoneNumberId: config.CLOUDAPI_PHONE_NUMBER_ID,
      appSecret: config.CLOUDAPI_APP_SECRET,
      verifyToken: config.CLOUDAPI_VERIFY_TOKEN,
      apiVersion: config.CLOUDAPI_API_VERSION,
      ...(config.CLOUDAPI_WABA_ID ? { wabaId: config.CLOUDAPI_WABA_ID } : {}),
      ...(config.CLOUDAPI_BASE_URL ? { baseUrl: config.CLOUDAPI_BASE_URL } : {}),
    });
  }
  if (config.WAHA_URL && config.WAHA_API_KEY) {
    drivers[WAHA_CHANNEL] = wahaDriver({
      baseUrl: config.WAHA_URL,
      apiKey: config.WAHA_API_KEY,
      session: config.WAHA_SESSION,
      ...(config.WAHA_WEBHOOK_SECRET ? { webhookHmacKey: config.WAHA_WEBHOOK_SECRET } : {}),
    });
  }
  if (config.WPPCONNECT_URL && config.WPPCONNECT_WEBHOOK_SECRET && config.PUBLIC_URL) {
    drivers[WPPCONNECT_CHANNEL] = wppconnectDriver({
      mode: 'server',
      baseUrl: config.WPPCONNECT_URL,
      session: config.WPPCONNECT_SESSION,
      webhookSecret: config.WPPCONNECT_WEBHOOK_SECRET,
      webhookUrl: new URL(`/webhooks/${WPPCONNECT_CHANNEL}`, config.PUBLIC_URL).toString(),
      ...(config.WPPCONNECT_SECRET_KEY ? { secretKey: config.WPPCONNECT_SECRET_KEY } : {}),
    });
  }
  return { drivers, simulator };
}
