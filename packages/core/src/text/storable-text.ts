/**
 * Text as every store can keep it. A provider's JSON can carry characters that are valid in a
 * JavaScript string but not in stored text: NUL (`\u0000`; Postgres text and jsonb refuse it) and
 * UTF-16 surrogates without their pair (not Unicode; Postgres json refuses `\ud800` escapes). Each
 * becomes U+FFFD, the replacement character, so such a message is stored like any other instead
 * of failing on every redelivery.
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what is matched here
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function storableText(text: string): string {
  UNSTORABLE.lastIndex = 0;
  return UNSTORABLE.test(text) ? text.replace(UNSTORABLE, '\uFFFD') : text;
}

/** `value` with `storableText` applied to every string in it (plain objects and arrays, copied only where something changes). */
export function storableStrings<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (Array.isArray(value)) {
    const items = value.map((item: unknown) => storableStrings(item));
    return (items.some((item, i) => item !== value[i]) ? items : value) as T;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const fields = value as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    for (const [key, field] of Object.entries(fields)) {
      const stored = storableStrings(field);
      if (stored !== field) (copy ??= { ...fields })[key] = stored;
    }
    return (copy ?? value) as T;
  }
  return value;
}
