// Who is signed in: the principal from /auth/session or /auth/login, with its CSRF token.
import { request, setCsrfToken, ApiError } from './api';

export type UnitSet = 'all' | number[];

export interface Principal {
  user: string;
  read_only: boolean;
  home_unit: number | null;
  units: { read: UnitSet; restricted: UnitSet; write: UnitSet; admin: UnitSet; audit: UnitSet };
  csrf_token: string;
}

export const session = $state({ principal: null as Principal | null, checked: false, ended: '' });

/** Asks the server who we are; a 401 leaves the principal null (the login page shows). */
export async function checkSession() {
  try {
    const r = await request<Principal>('GET', '/auth/session');
    setCsrfToken(r.data.csrf_token);
    session.principal = r.data;
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e;
    session.principal = null;
  } finally {
    session.checked = true;
  }
}

export async function login(name: string, password: string) {
  const r = await request<Principal>('POST', '/auth/login', { body: { name, password } });
  setCsrfToken(r.data.csrf_token);
  session.ended = '';
  session.principal = r.data;
}

export async function logout() {
  try {
    await request('POST', '/auth/logout');
  } finally {
    setCsrfToken('');
    session.principal = null;
  }
}

/** May the signed-in user write records of `unit` (null: records of no unit)? */
export function canWrite(unit: number | null): boolean {
  const p = session.principal;
  if (!p || p.read_only) return false;
  if (p.units.write === 'all') return true;
  return unit !== null && p.units.write.includes(unit);
}
