// GET /stats (live records per type), shared by the dashboard's sections and kept for a minute:
// the tiles show it.
import { get } from '../../lib/api';
import { unitParams } from '../../lib/units.svelte';

export type Stats = Record<string, number>;

const TTL_MS = 60_000;
let cached: { at: number; promise: Promise<Stats> } | null = null;

export function loadStats(): Promise<Stats> {
  const now = Date.now();
  if (cached && now - cached.at < TTL_MS) return cached.promise;
  const promise = get<{ records: Stats }>('/stats').then((s) => s.records);
  cached = { at: now, promise };
  promise.catch(() => {
    if (cached?.promise === promise) cached = null;
  });
  return promise;
}

export type CountryCounts = { by: string; counts: { value: string | null; count: number }[]; total: number };

const byCountry = new Map<string, { at: number; promise: Promise<CountryCounts> }>();

/** GET /organisations/counts?by=country for a working unit (or all): the map's numbers, and in a
 *  unit its `total` is the unit's organisations tile too, so that a big table is read only once. */
export function loadCountryCounts(unit: number | null): Promise<CountryCounts> {
  const key = String(unit);
  const now = Date.now();
  const hit = byCountry.get(key);
  if (hit && now - hit.at < TTL_MS) return hit.promise;
  const promise = get<CountryCounts>('/organisations/counts', { by: 'country', ...unitParams(unit) });
  byCountry.set(key, { at: now, promise });
  promise.catch(() => {
    if (byCountry.get(key)?.promise === promise) byCountry.delete(key);
  });
  return promise;
}
