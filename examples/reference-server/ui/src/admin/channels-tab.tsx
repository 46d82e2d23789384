import QRCode from 'qrcode';
import { useEffect, useState } from 'preact/hooks';
import { get, post } from '../api.js';
import { ErrorText } from '../components/error-text.js';
import { useI18n } from '../i18n.js';
import { useLiveVersion } from '../live.js';

interface Channel {
  id: string;
  kind: string;
  state: string;
  reason: string | null;
  since: string | null;
  hasQr: boolean;
  controls: Array<'start' | 'stop'>;
}

/** Channels and their connection state; the QR code to scan while a WAHA/WPPConnect session waits for a phone. */
export function ChannelsTab({ admin }: { admin: boolean }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [channels, setChannels] = useState<Channel[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  /** Reloads after our own actions, on top of the live updates. */
  const [bump, setBump] = useState(0);
  const version = useLiveVersion((u) => !!u.data.channel) + bump;
  useEffect(() => {
    get<{ items: Channel[] }>('/channels').then((r) => setChannels(r.items), setError);
  }, [version]);
  const control = (id: string, action: 'start' | 'stop') => post(`/channels/${id}/${action}`).then(() => setBump((v) => v + 1), setError);

  return (
    <section class="card stack" aria-labelledby="channels-title">
      <h2 id="channels-title">{t('admin.channels')}</h2>
      <ErrorText error={error} />
      {channels?.map((c) => (
        <article key={c.id} class="stack" data-channel={c.id}>
          <div class="toolbar">
            <strong>{c.id}</strong> <span class="muted">({c.kind})</span>
            <span class={`pill ${c.state === 'connected' ? 'good' : c.state === 'qr' ? 'warn' : 'bad'}`}>{c.state}</span>
            {c.since && <span class="muted small">{i18n.time(c.since)}</span>}
            {c.reason && <span class="muted small">{c.reason}</span>}
            {admin &&
              c.controls.map((a) => (
                <button key={a} type="button" onClick={() => void control(c.id, a)}>
                  {a === 'start' ? t('channel.start') : t('channel.stop')}
                </button>
              ))}
          </div>
          {c.hasQr && <QrPanel channelId={c.id} version={version} />}
        </article>
      ))}
    </section>
  );
}

function QrPanel({ channelId, version }: { channelId: string; version: number }) {
  const { t } = useI18n();
  const [svg, setSvg] = useState<string | null>(null);
  const [image, setImage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    get<{ value: string | null; imageDataUrl: string | null }>(`/channels/${channelId}/qr`)
      .then(async (qr) => {
        // Render the raw QR string ourselves (crisp at any size); fall back to the provider's image.
        if (qr.value) setSvg(await QRCode.toString(qr.value, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' }));
        else setImage(qr.imageDataUrl);
      })
      .catch(setError);
  }, [channelId, version]);
  return (
    <figure class="qr">
      {/* The SVG comes from the qrcode library, not from the provider: safe to inline. */}
      {svg && <div role="img" aria-label={t('channel.scan')} dangerouslySetInnerHTML={{ __html: svg }} />}
      {image && <img src={image} alt={t('channel.scan')} width={224} height={224} />}
      <figcaption>{t('channel.scan')}</figcaption>
      <ErrorText error={error} />
    </figure>
  );
}
