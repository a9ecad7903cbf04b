// The form's model of a record and its conversions to and from the API's values. Inputs hold
// what the user typed (numbers as text, money in major units, multilingual text as rows) so
// nothing typed is lost to a re-render; `toApi` turns it back into what the API takes.
import type { Entity, Field } from '../../lib/meta.svelte';
import { allFields, fieldKey } from '../../lib/meta.svelte';
import { currencyDigits } from '../../lib/format';

export type FormValue = unknown;
export interface MoneyForm { amount: string; currency: string }
export interface LangRow { lang: string; text: string }
export interface IdRow { scheme: string; value: string }
export type ObjectRow = Record<string, FormValue> & { _key: number };

let rowKeys = 0;
/** A fresh key for a repeatable row (stable across reorders, for keyed #each). */
export function rowKey(): number { return ++rowKeys; }

/** The fields a form shows as inputs: writable, not derived, never the bookkeeping ones. */
export function editableFields(e: Entity): Field[] {
  return allFields(e).filter((f) => !f.read_only && f.type !== 'custom');
}

/** The record's value of a field (custom ones live in `custom`). */
export function valueOf(rec: Record<string, unknown> | null | undefined, f: Field): unknown {
  if (!rec) return undefined;
  if (f.path?.startsWith('custom.')) {
    const c = rec.custom as Record<string, unknown> | null | undefined;
    return c ? c[f.name] : undefined;
  }
  return rec[f.name];
}

export function toForm(f: Field, v: unknown): FormValue {
  switch (f.type) {
    case 'integer':
    case 'decimal':
      return v === null || v === undefined ? '' : String(v);
    case 'boolean':
      return v === true ? 'true' : v === false ? 'false' : '';
    case 'money': {
      if (!v || typeof v !== 'object') return { amount: '', currency: '' } satisfies MoneyForm;
      const m = v as { amount: number; currency: string };
      const d = currencyDigits(m.currency);
      return { amount: String(m.amount / 10 ** d), currency: m.currency } satisfies MoneyForm;
    }
    case 'multilingual_text':
      return Object.entries((v as Record<string, string>) ?? {}).map(([lang, text]) => ({ lang, text })) as LangRow[];
    case 'identifiers':
      return ((v as IdRow[]) ?? []).map((x) => ({ scheme: x.scheme, value: x.value }));
    case 'text_list':
      return [...((v as string[]) ?? [])];
    case 'ref_list':
      return [...((v as number[]) ?? [])];
    case 'ref':
      return v === null || v === undefined ? null : v;
    case 'objects':
      return ((v as Record<string, unknown>[]) ?? []).map((item) => {
        const row: ObjectRow = { _key: rowKey() };
        for (const p of f.parts ?? []) row[p.name] = toForm(p, item[p.name]);
        return row;
      });
    case 'datetime':
      return v ? isoToLocal(String(v)) : '';
    default:
      return v === null || v === undefined ? '' : String(v);
  }
}

/** A new, empty row of an objects field (defaults from meta). */
export function emptyRow(f: Field): ObjectRow {
  const row: ObjectRow = { _key: rowKey() };
  for (const p of f.parts ?? []) row[p.name] = toForm(p, p.default ?? null);
  return row;
}

function numberOrText(s: string, integer: boolean): unknown {
  const t = s.trim().replace(/\s/g, '');
  if (t === '') return null;
  const n = Number(t.replace(',', '.'));
  if (!Number.isFinite(n)) return s; // the server names the field and the reason
  if (integer && !Number.isInteger(n)) return s;
  return n;
}

export function toApi(f: Field, v: FormValue): unknown {
  switch (f.type) {
    case 'integer':
      return numberOrText(String(v ?? ''), true);
    case 'decimal':
      return numberOrText(String(v ?? ''), false);
    case 'boolean':
      return v === 'true' ? true : v === 'false' ? false : null;
    case 'money': {
      const m = v as MoneyForm;
      if (!m || (m.amount.trim() === '' && !m.currency)) return null;
      const n = Number(m.amount.trim().replace(/\s/g, '').replace(',', '.'));
      const d = m.currency ? currencyDigits(m.currency) : 2;
      const amount = m.amount.trim() === '' || !Number.isFinite(n) ? m.amount : Math.round(n * 10 ** d);
      return { amount, currency: m.currency };
    }
    case 'multilingual_text': {
      const rows = (v as LangRow[]).filter((r) => r.lang.trim() || r.text.trim());
      if (!rows.length) return null;
      const o: Record<string, string> = {};
      for (const r of rows) o[r.lang.trim()] = r.text;
      return o;
    }
    case 'identifiers': {
      const rows = (v as IdRow[]).filter((r) => r.scheme.trim() || r.value.trim());
      return rows.length ? rows.map((r) => ({ scheme: r.scheme.trim(), value: r.value.trim() })) : null;
    }
    case 'text_list':
    case 'ref_list': {
      const a = v as unknown[];
      return a.length ? [...a] : null;
    }
    case 'ref':
      return v ?? null;
    case 'objects': {
      const rows = v as ObjectRow[];
      if (!rows.length) return null;
      return rows.map((row) => {
        const o: Record<string, unknown> = {};
        for (const p of f.parts ?? []) {
          const x = toApi(p, row[p.name]);
          if (x !== null) o[p.name] = x;
        }
        return o;
      });
    }
    case 'datetime':
      return v ? localToIso(String(v)) : null;
    case 'partial_date':
    case 'date':
    case 'text':
    case 'email':
    case 'url':
    case 'enum':
    case 'country': {
      const s = String(v ?? '');
      return s.trim() === '' ? null : f.type === 'text' ? s : s.trim();
    }
    default:
      return v ?? null;
  }
}

function isoToLocal(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

function localToIso(local: string): string {
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? local : d.toISOString();
}

/** Structural equality of JSON values (key order does not matter). */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a !== typeof b || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => same(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!same(ao[k], bo[k])) return false;
  return true;
}

/** A record's value of `f` as the form would send it back unchanged (for comparisons). */
export function normalised(f: Field, rec: Record<string, unknown> | null | undefined): unknown {
  return toApi(f, toForm(f, valueOf(rec, f)));
}

/** The fields whose value in the form differs from `base`, by key (name or custom.NAME). */
export function changedKeys(e: Entity, base: Record<string, unknown> | null, draft: Record<string, FormValue>): string[] {
  return editableFields(e)
    .filter((f) => !same(toApi(f, draft[fieldKey(f)]), normalised(f, base)))
    .map(fieldKey);
}

/** The merge patch (or create body) of the given fields: custom ones gathered under `custom`. */
export function buildBody(e: Entity, keys: string[], draft: Record<string, FormValue>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of editableFields(e)) {
    const k = fieldKey(f);
    if (!keys.includes(k)) continue;
    const v = toApi(f, draft[k]);
    if (f.path?.startsWith('custom.')) {
      const c = (body.custom ??= {}) as Record<string, unknown>;
      c[f.name] = v;
    } else body[f.name] = v;
  }
  return body;
}

/** An element id for the input at an error path (`stops[1].city` → `f-stops-1-city`). */
export function inputId(path: string): string {
  return 'f-' + path.replace(/[^A-Za-z0-9_]+/g, '-').replace(/-+$/, '');
}

/** One line of a diff: a field (null when meta does not know it), its value before and after. */
export interface DiffRow { name: string; field: Field | null; before: unknown; after: unknown }

/** A field of `e` by the key a history entry or an error uses (`name` or `custom.NAME`). */
export function fieldByKey(e: Entity, key: string): Field | null {
  return allFields(e).find((f) => fieldKey(f) === key) ?? null;
}

/** A readable name for an error or warning path: `stops[1].city` → "Stops 2 · City". */
export function pathLabel(e: Entity, path: string, label: (f: Field) => string): string {
  const m = path.match(/^([A-Za-z0-9_.]+?)(?:\[(\d+)\](?:\.([A-Za-z0-9_]+))?)?$/);
  if (!m) return path;
  const f = fieldByKey(e, m[1]);
  if (!f) return path;
  let s = label(f);
  if (m[2] !== undefined) s += ` ${Number(m[2]) + 1}`;
  if (m[3]) {
    const p = f.parts?.find((x) => x.name === m[3]);
    s += ` · ${p ? label(p) : m[3]}`;
  }
  return s;
}
