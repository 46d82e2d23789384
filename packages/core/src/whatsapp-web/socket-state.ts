import type { ConnectionState } from '../driver/driver.js';

/** What a WhatsApp-Web socket state means for the connection and what the driver should do next. */
export interface SocketStateMeaning {
  state: ConnectionState;
  /**
   * - `none`: nothing to do (connected, connecting, waiting for the user);
   * - `reconnect`: transient; tear the session down and reconnect with backoff;
   * - `relogin`: the device was unlinked; drop the stored session and start over for a new QR;
   * - `give_up`: permanent (banned, blocked, outdated); do not retry on its own.
   */
  action: 'none' | 'reconnect' | 'relogin' | 'give_up';
}

/**
 * Meaning of the WhatsApp-Web socket state strings shared by whatsapp-web.js (`WAState`, the
 * `change_state` event) and WPPConnect (`SocketState`, `onStateChange`); the two enums are
 * identical. `CONFLICT` (WhatsApp Web opened elsewhere) is reported as `disconnected` without
 * an automatic retry: reconnecting would take the session back from the other client, again and
 * again. Returns null for values it does not know.
 */
export function meaningOfSocketState(raw: string): SocketStateMeaning | null {
  switch (raw) {
    case 'CONNECTED':
      return { state: 'connected', action: 'none' };
    case 'OPENING':
    case 'PAIRING':
    case 'UNLAUNCHED':
      return { state: 'starting', action: 'none' };
    case 'TIMEOUT':
      return { state: 'disconnected', action: 'reconnect' };
    case 'CONFLICT':
      return { state: 'disconnected', action: 'none' };
    case 'UNPAIRED':
    case 'UNPAIRED_IDLE':
      return { state: 'disconnected', action: 'relogin' };
    case 'DEPRECATED_VERSION':
    case 'PROXYBLOCK':
    case 'TOS_BLOCK':
    case 'SMB_TOS_BLOCK':
      return { state: 'failed', action: 'give_up' };
    default:
      return null;
  }
}
