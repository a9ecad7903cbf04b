// Dates, numbers, money and countries, formatted for the chosen language with Intl.
import { locale, pick } from '../i18n/index.svelte';
import { countryNames } from './reference.svelte';

export function formatNumber(n: number | null | undefined): string {
  if (n === null || n === undefined) return '';
  return new Intl.NumberFormat(locale()).format(n);
}

/** A calendar date "2024-03-05" (no time zone shift). */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const [y, m, d] = iso.split('-').map(Number);
  if (!y) return iso;
  if (!m) return String(y);
  const date = new Date(Date.UTC(y, m - 1, d || 1));
  const opts: Intl.DateTimeFormatOptions = d
    ? { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }
    : { year: 'numeric', month: 'long', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(locale(), opts).format(date);
}

/** A moment "2026-11-23T08:25:54.670Z", in the browser's time zone. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** The number of minor units of a currency (2 for USD, 0 for VND), as Intl knows it. */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** Money as the API holds it: `{amount: minor units, currency}`. */
export function formatMoney(m: { amount: number; currency: string } | null | undefined): string {
  if (!m) return '';
  const digits = currencyDigits(m.currency);
  try {
    return new Intl.NumberFormat(locale(), { style: 'currency', currency: m.currency }).format(m.amount / 10 ** digits);
  } catch {
    return `${m.amount / 10 ** digits} ${m.currency}`;
  }
}

/** A country's name in the chosen language (from iso-codes, through the API), or its code. */
export function countryName(code: string | null | undefined): string {
  if (!code) return '';
  const names = countryNames.byCode[code];
  return names ? pick(names, code) : code;
}

/** Every known country as `{code, name}`, sorted by its name in the chosen language (for the
 *  country selects of forms and filters). Reactive on the language when read in `$derived`. */
export function countriesByName(): { code: string; name: string }[] {
  const coll = new Intl.Collator(locale());
  return Object.keys(countryNames.byCode)
    .map((code) => ({ code, name: countryName(code) }))
    .sort((a, b) => coll.compare(a.name, b.name));
}
