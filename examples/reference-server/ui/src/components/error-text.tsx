import { ApiError } from '../api.js';
import { useI18n } from '../i18n.js';

/** An error for the user: the server's message (it never contains secrets), announced politely. */
export function ErrorText({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  const message = error instanceof ApiError ? `${error.message}${error.fields.length ? ` (${error.fields.map((f) => f.path).join(', ')})` : ''}` : String((error as Error).message ?? error);
  return (
    <p class="error" role="alert">
      {t('common.error', { message })}
    </p>
  );
}
