// The working unit: the unit switcher's choice. Lists and the dashboard show that unit's records
// (owner_unit), and new records belong to it. Kept per browser in localStorage.
import { get, type Page, type Rec } from './api';

export const units = $state({ all: [] as Rec[], current: readCurrent() });

function readCurrent(): number | null {
  const v = Number(localStorage.getItem('amity.unit'));
  return Number.isInteger(v) && v > 0 ? v : null;
}

export function setUnit(id: number | null) {
  units.current = id;
  if (id === null) localStorage.removeItem('amity.unit');
  else localStorage.setItem('amity.unit', String(id));
}

/** The units the user may read, by name (up to 500; a deployment has tens). */
export async function loadUnits() {
  const page = await get<Page<Rec>>('/units', { limit: 500, sort: 'name' });
  units.all = page.items;
  if (units.current !== null && !page.items.some((u) => u.id === units.current)) setUnit(null);
}

/** The working unit and every unit below it (a union and its member associations). */
export function unitAndBelow(id: number): number[] {
  const out = [id];
  for (let i = 0; i < out.length; i++) {
    for (const u of units.all) if (u.parent === out[i] && !out.includes(u.id)) out.push(u.id);
  }
  return out;
}

/** The list filter for the records of unit `id` and the units below it ({} for all units). */
export function unitParams(id: number | null): Record<string, string | number> {
  if (id === null) return {};
  const ids = unitAndBelow(id);
  return ids.length === 1 ? { owner_unit: ids[0] } : { 'owner_unit.in': ids.join(',') };
}

/** The filter lists add for the working unit: records owned by it or by a unit below it. */
export function unitFilter(): Record<string, string | number> {
  return unitParams(units.current);
}
