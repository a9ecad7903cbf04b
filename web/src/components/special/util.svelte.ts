// Small helpers shared by the special panels (delegation, agreement, aid project).
import type { Entity, Field } from '../../lib/meta.svelte';
import { ApiError, type FieldError } from '../../lib/api';
import { t } from '../../i18n/index.svelte';
import { countryName, formatDate } from '../../lib/format';

/** The declared field `name` of `e` (throws when meta lacks it: the panel cannot work without). */
export function fieldOf(e: Entity, name: string): Field {
  const f = e.fields.find((x) => x.name === name);
  if (!f) throw new Error(`${e.name} has no field ${name}`);
  return f;
}

/** The part `name` of an objects field (a stop's `country`). */
export function partOf(f: Field, name: string): Field {
  const p = f.parts?.find((x) => x.name === name);
  if (!p) throw new Error(`${f.name} has no part ${name}`);
  return p;
}

/**
 * Warnings a write came back with, kept per record so they survive the panel being drawn
 * again after `reload()` (the record page may re-create its parts while it loads).
 */
export const kept = $state<Record<string, { version: number; warnings: FieldError[] }>>({});

/** The "Add stop" form's typed values per delegation, kept across redraws of the panel. */
type StopDraft = { country: string; city: string; from: string; to: string };
const drafts = new Map<string, StopDraft>();
export function stopDraft(key: string): StopDraft {
  let d = drafts.get(key);
  if (!d) {
    const fresh = $state({ country: '', city: '', from: '', to: '' });
    drafts.set(key, fresh);
    d = fresh;
  }
  return d;
}

/** A sentence for a failed write: what the status means for the user, then the server's detail. */
export function explain(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 412) return t('sp_err_stale');
    if (e.status === 409) return t('sp_err_conflict', { detail: e.detail });
    if (e.status === 403) return t('sp_err_forbidden', { detail: e.detail });
    if (e.status === 0) return t('network_error', { detail: e.detail });
    return e.detail;
  }
  return (e as Error).message;
}

/** A stop named for people: "Laos, Vientiane (10 Mar 2025 – 14 Mar 2025)". */
export function stopTitle(s: Record<string, unknown>): string {
  const place = [countryName(s.country as string), s.city as string | undefined].filter(Boolean).join(', ');
  const from = formatDate(s.from as string);
  const to = formatDate(s.to as string);
  const when = from && to && from !== to ? t('sp_range', { from, to }) : from || to;
  return when ? `${place} (${when})` : place;
}
