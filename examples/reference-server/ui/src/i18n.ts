import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { ar } from './locales/ar.js';
import { en, type MessageKey } from './locales/en.js';

export type Lang = 'en' | 'ar';
const DICTIONARIES: Record<Lang, Record<MessageKey, string>> = { en, ar };
const LANG_KEY = 'switchboard.lang';

export interface I18n {
  lang: Lang;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  /** A number in this language's digits (Arabic-Indic for Arabic). */
  num(value: number, options?: Intl.NumberFormatOptions): string;
  /** A short duration such as "3 min" / "٣ د" (milliseconds below one second). */
  duration(ms: number): string;
  /** Time of day, or date and time when not today. */
  time(iso: string): string;
  date(iso: string): string;
}

/** Arabic numbers use Egyptian conventions (Arabic-Indic digits); English uses Latin digits. */
export const localeOf = (lang: Lang): string => (lang === 'ar' ? 'ar-EG' : 'en');

export function makeI18n(lang: Lang): I18n {
  const dict = DICTIONARIES[lang];
  const locale = localeOf(lang);
  const numbers = new Intl.NumberFormat(locale);
  const timeFmt = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' });
  const dateTimeFmt = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
  const dateFmt = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric' });
  const unit = (u: 'millisecond' | 'second' | 'minute' | 'hour' | 'day') => new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'narrow', maximumFractionDigits: 0 });
  const units = { millisecond: unit('millisecond'), second: unit('second'), minute: unit('minute'), hour: unit('hour'), day: unit('day') };
  const i18n: I18n = {
    lang,
    t(key, vars) {
      const text = dict[key] ?? en[key] ?? key;
      return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? (typeof vars[name] === 'number' ? numbers.format(vars[name]) : String(vars[name])) : m)) : text;
    },
    num: (value, options) => (options ? new Intl.NumberFormat(locale, options).format(value) : numbers.format(value)),
    duration(ms) {
      // Under a second stays visible as milliseconds instead of rounding a real value down to "0s".
      if (ms > 0 && ms < 999.5) return units.millisecond.format(Math.max(1, Math.round(ms)));
      const s = Math.max(0, Math.round(ms / 1000));
      if (s < 60) return units.second.format(s);
      if (s < 3600) return units.minute.format(Math.floor(s / 60));
      if (s < 86_400) return `${units.hour.format(Math.floor(s / 3600))} ${units.minute.format(Math.floor((s % 3600) / 60))}`;
      return `${units.day.format(Math.floor(s / 86_400))} ${units.hour.format(Math.floor((s % 86_400) / 3600))}`;
    },
    time(iso) {
      const d = new Date(iso);
      return d.toDateString() === new Date().toDateString() ? timeFmt.format(d) : dateTimeFmt.format(d);
    },
    date: (iso) => dateFmt.format(new Date(iso)),
  };
  return i18n;
}

export function initialLang(): Lang {
  const saved = localStorage.getItem(LANG_KEY);
  if (saved === 'en' || saved === 'ar') return saved;
  return navigator.language.toLowerCase().startsWith('ar') ? 'ar' : 'en';
}

/** Switch the document: `lang` and `dir` on <html> drive the RTL layout (logical CSS properties). */
export function applyLang(lang: Lang): void {
  localStorage.setItem(LANG_KEY, lang);
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === 'ar' ? 'rtl' : 'ltr';
}

export const I18nContext = createContext<I18n>(makeI18n('en'));
export const useI18n = (): I18n => useContext(I18nContext);
