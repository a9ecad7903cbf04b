// The state of a list lives in the URL query, in the API's own words (`kind.in=ngo,media`,
// `founded_on.gte=1990`, `sort=-name`, `limit=25`, `q=viet`), plus `cols=` for the columns. So a
// reload, Back, a shared link and a saved view all give the same list, and the query goes to the
// server nearly as it stands.
import type { Entity, Field } from '../../lib/meta.svelte';
import { allFields, fieldKey } from '../../lib/meta.svelte';

/** Operators a key may end with (`country.in`); a key without one means equals. */
export const OPS = ['ne', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'prefix', 'null'] as const;
export type Op = (typeof OPS)[number] | 'eq';

/** Keys of the URL that are not filters. */
export const UI_KEYS = new Set(['cols', 'sort', 'limit', 'q']);
/** Keys the list sets itself: never taken from the URL. */
export const OWN_KEYS = new Set(['cursor', 'deleted', 'total', 'lang']);

export const PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_LIMIT = 50;

export interface FilterKey { key: string; base: string; op: Op }

export function splitKey(key: string): FilterKey {
  const dot = key.lastIndexOf('.');
  if (dot > 0) {
    const op = key.slice(dot + 1);
    if ((OPS as readonly string[]).includes(op)) return { key, base: key.slice(0, dot), op: op as Op };
  }
  return { key, base: key, op: 'eq' };
}

/** Every field that can be filtered, keyed by fieldKey (custom fields as custom.NAME). */
export function filterFields(e: Entity): Field[] {
  return allFields(e).filter((f) => (f.filter_ops?.length ?? 0) > 0);
}

export function fieldByKey(e: Entity, key: string): Field | undefined {
  return allFields(e).find((f) => fieldKey(f) === key);
}

/** The filter entries of a URL query: every key but the UI's and the list's own. */
export function filterEntries(q: URLSearchParams): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of q) if (!UI_KEYS.has(k) && !OWN_KEYS.has(k) && v !== '') out.push([k, v]);
  return out;
}

export function pageSize(q: URLSearchParams): number {
  const n = Number(q.get('limit'));
  return (PAGE_SIZES as readonly number[]).includes(n) ? n : DEFAULT_LIMIT;
}

/** Columns that can be shown: every field but the custom container and the title. */
export function columnFields(e: Entity): Field[] {
  const declared = e.fields.filter((f) => !f.common && f.type !== 'custom' && f.name !== e.title_field);
  const common = e.fields.filter((f) => f.common && f.type !== 'custom' && f.name !== 'deleted_at');
  return [...declared, ...e.custom_fields, ...common];
}

// Hand-picked first columns for the types Amity declares; anything else (a type added later)
// gets the first few enums, countries, references and dates it declares.
const PREFERRED: Record<string, string[]> = {
  country: ['alpha3', 'region', 'subregion', 'relations_established_on'],
  subdivision: ['code', 'country', 'type'],
  unit: ['acronym', 'kind', 'parent', 'country', 'province'],
  organisation: ['acronym', 'kind', 'country', 'status', 'tier'],
  person: ['organisation', 'title', 'country', 'email'],
  relation: ['from_unit', 'from_organisation', 'to', 'level', 'status', 'since'],
  interaction: ['date', 'kind', 'organisations', 'unit', 'follow_up_due'],
  award: ['recipient_person', 'recipient_organisation', 'conferred_on', 'by_unit', 'status'],
  delegation: ['direction', 'level', 'leader', 'starts_on', 'ends_on', 'status'],
  event: ['kind', 'starts_on', 'country', 'city', 'scope'],
  agreement: ['kind', 'signed_on', 'valid_to', 'status', 'stage'],
  plan: ['unit', 'period_from', 'period_to'],
  policy_document: ['number', 'kind', 'issuer', 'issued_on'],
  aid_project: ['status', 'planned_start', 'planned_end', 'budget', 'appeal'],
  appeal: ['country', 'starts_on', 'ends_on', 'target'],
  exchange_rate: ['currency', 'base', 'on', 'rate'],
  document: ['kind', 'language', 'file_name', 'file_size'],
  custom_field: ['entity', 'type', 'label'],
};

const USEFUL = new Set(['enum', 'country', 'ref', 'date', 'partial_date', 'money', 'boolean']);

export function defaultColumns(e: Entity): string[] {
  const fields = columnFields(e);
  const names = new Set(fields.map(fieldKey));
  const preferred = (PREFERRED[e.name] ?? []).filter((n) => names.has(n));
  if (preferred.length) return preferred.slice(0, 6);
  return fields.filter((f) => !f.common && USEFUL.has(f.type)).slice(0, 5).map(fieldKey);
}

function storageKey(e: Entity, what: string) {
  return `amity.list.${what}.${e.name}`;
}

function readJSON<T>(key: string, fallback: T): T {
  try {
    const s = localStorage.getItem(key);
    return s ? (JSON.parse(s) as T) : fallback;
  } catch {
    return fallback;
  }
}

/** The columns to show: the URL's, else the ones last chosen for the type, else the defaults. */
export function chosenColumns(e: Entity, q: URLSearchParams): string[] {
  const known = new Set(columnFields(e).map(fieldKey));
  const fromUrl = q.get('cols');
  if (fromUrl !== null) return fromUrl.split(',').filter((c) => known.has(c));
  const saved = readJSON<string[] | null>(storageKey(e, 'cols'), null);
  if (Array.isArray(saved)) return saved.filter((c) => known.has(c));
  return defaultColumns(e);
}

export function rememberColumns(e: Entity, cols: string[] | null) {
  if (cols === null) localStorage.removeItem(storageKey(e, 'cols'));
  else localStorage.setItem(storageKey(e, 'cols'), JSON.stringify(cols));
}

export interface SavedView { name: string; query: string }

export function loadViews(e: Entity): SavedView[] {
  const v = readJSON<SavedView[]>(storageKey(e, 'views'), []);
  return Array.isArray(v) ? v.filter((x) => typeof x?.name === 'string' && typeof x?.query === 'string') : [];
}

export function storeViews(e: Entity, views: SavedView[]) {
  localStorage.setItem(storageKey(e, 'views'), JSON.stringify(views));
}

/** A query in a canonical order, to compare a saved view with the current list. */
export function canonical(q: URLSearchParams | string): string {
  const p = new URLSearchParams(q);
  p.sort();
  return p.toString();
}

/** The field a click on a column sorts by: itself, or a person's `sort_name` for `name`. */
export function sortKeyFor(e: Entity, f: Field): string | null {
  if (f.sortable && !f.path) return f.name;
  if (f.name === e.title_field) {
    const alt = e.fields.find((x) => x.name === 'sort_name' && x.sortable);
    if (alt) return alt.name;
  }
  return null;
}

/** A field's value in a record (custom fields live in `custom`). */
export function valueOf(r: Record<string, unknown>, f: Field): unknown {
  if (f.path) return (r.custom as Record<string, unknown> | null | undefined)?.[f.name] ?? null;
  return r[f.name];
}
