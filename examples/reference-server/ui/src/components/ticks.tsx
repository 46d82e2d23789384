import type { MessageStatus } from '../types.js';
import { useI18n } from '../i18n.js';

/** WhatsApp-style delivery ticks with a text label for screen readers. */
export function Ticks({ status }: { status: MessageStatus }) {
  const { t } = useI18n();
  const label = t(`tick.${status}`);
  const glyph = status === 'pending' ? '🕓' : status === 'sent' ? '✓' : status === 'delivered' || status === 'read' ? '✓✓' : status === 'failed' ? '!' : '';
  return (
    <span class={`ticks ticks-${status}`} data-status={status} title={label} role="img" aria-label={label}>
      {glyph}
    </span>
  );
}
