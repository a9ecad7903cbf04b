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

/** The filter lists add for the working unit. */
export function unitFilter(): Record<string, number> {
  return units.current === null ? {} : { owner_unit: units.current };
}
