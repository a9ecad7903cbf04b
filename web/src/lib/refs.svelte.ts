// Titles of referenced records (a delegation's leader, an organisation's managing unit), fetched
// in batches: every id asked for in one tick goes out as one `id.in=` list request per type.
import { get, type Page, type Rec } from './api';
import { entityByName, recordTitle } from './meta.svelte';

type Entry = { title: string; state: 'loading' | 'ok' | 'missing' };
const cache = $state<Record<string, Entry>>({});
const pending = new Map<string, Set<number>>();
let scheduled = false;

function cacheKey(type: string, id: number) {
  return `${type}:${id}`;
}

async function flush() {
  scheduled = false;
  const batches = [...pending.entries()];
  pending.clear();
  for (const [type, ids] of batches) {
    const e = entityByName(type);
    if (!e) continue;
    const list = [...ids];
    for (let i = 0; i < list.length; i += 100) {
      const chunk = list.slice(i, i + 100);
      try {
        const page = await get<Page<Rec>>(`/${e.plural}`, { 'id.in': chunk.join(','), limit: chunk.length });
        const found = new Set<number>();
        for (const r of page.items) {
          cache[cacheKey(type, r.id)] = { title: recordTitle(e, r), state: 'ok' };
          found.add(r.id);
        }
        for (const id of chunk) if (!found.has(id)) cache[cacheKey(type, id)] = { title: `#${id}`, state: 'missing' };
      } catch {
        for (const id of chunk) cache[cacheKey(type, id)] = { title: `#${id}`, state: 'missing' };
      }
    }
  }
}

/** The title of record `id` of type `type` (singular name); `#id` until it is known. */
export function refTitle(type: string, id: number): string {
  const k = cacheKey(type, id);
  const hit = cache[k];
  if (hit) return hit.title;
  if (!pending.has(type)) pending.set(type, new Set());
  pending.get(type)!.add(id);
  if (!scheduled) {
    scheduled = true;
    queueMicrotask(() => {
      for (const [t, ids] of pending) for (const i of ids) cache[cacheKey(t, i)] ??= { title: `#${i}`, state: 'loading' };
      flush();
    });
  }
  return `#${id}`;
}

/** Forget a record's title (after it was renamed). */
export function forgetRef(type: string, id: number) {
  delete cache[cacheKey(type, id)];
}

/** The link of a record of type `type`. */
export function refHref(type: string, id: number | string): string {
  const e = entityByName(type);
  return e ? `/${e.plural}/${encodeURIComponent(String(id))}` : '#';
}
