import type { ContactCard } from '@switchboard/core';

/**
 * Reads the fields Switchboard keeps from a vCard 3.0/4.0 string (WAHA `vCards[]`): FN (or N),
 * TEL with WhatsApp's `waid` parameter, EMAIL, ORG. Folded lines are unfolded. Returns null when
 * the card has neither a name nor a phone.
 */
export function parseVCard(text: string): ContactCard | null {
  const lines = text.replace(/\r\n|\r/g, '\n').replace(/\n[ \t]/g, '').split('\n');
  let fn: string | undefined;
  let n: string | undefined;
  let organization: string | undefined;
  const phones: ContactCard['phones'] = [];
  const emails: string[] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const [rawName = '', ...params] = line.slice(0, colon).split(';');
    const name = rawName.replace(/^item\d+\./i, '').toUpperCase();
    const value = unescapeText(line.slice(colon + 1).trim());
    if (!value) continue;
    const param = (key: string): string | undefined =>
      params.map((p) => p.split('=')).find(([k]) => k?.toLowerCase() === key)?.[1];
    if (name === 'FN') fn = value;
    else if (name === 'N') n = value.split(';').filter(Boolean).reverse().join(' ');
    else if (name === 'ORG') organization = value.split(';').filter(Boolean).join(', ');
    else if (name === 'EMAIL') emails.push(value);
    else if (name === 'TEL') {
      const waId = param('waid');
      const type = param('type') ?? params.find((p) => !p.includes('='));
      phones.push({ phone: value, ...(waId ? { waId } : {}), ...(type ? { type: type.toLowerCase() } : {}) });
    }
  }
  const displayName = fn ?? n ?? phones[0]?.phone;
  if (!displayName) return null;
  return {
    name: displayName,
    phones,
    ...(emails.length ? { emails } : {}),
    ...(organization ? { organization } : {}),
  };
}

function unescapeText(value: string): string {
  return value.replace(/\\([,;\\nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}
