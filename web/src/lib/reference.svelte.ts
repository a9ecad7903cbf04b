// Reference data the UI needs by code: country names in both languages (iso-codes, served by
// the API), loaded once after sign-in.
import { get, type Page } from './api';

export const countryNames = $state({
  byCode: {} as Record<string, { vi?: string; en?: string }>,
  /** ISO 3166-1 numeric ("704") → alpha-2 ("VN"): world-atlas names its shapes by number. */
  byNumeric: {} as Record<string, string>,
  loaded: false,
});

interface Country { code: string; name: string; numeric: string | null; names: { vi?: string; en?: string } | null }

export async function loadCountries() {
  const page = await get<Page<Country>>('/countries', { limit: 500 });
  const byCode: Record<string, { vi?: string; en?: string }> = {};
  const byNumeric: Record<string, string> = {};
  for (const c of page.items) {
    byCode[c.code] = { en: c.names?.en ?? c.name, vi: c.names?.vi ?? c.name };
    if (c.numeric) byNumeric[c.numeric] = c.code;
  }
  countryNames.byCode = byCode;
  countryNames.byNumeric = byNumeric;
  countryNames.loaded = true;
}
