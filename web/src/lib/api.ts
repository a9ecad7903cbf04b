// The one API client: the session cookie rides along by itself; unsafe methods carry the CSRF
// token; problem+json becomes an ApiError with its errors per field; ETags come back with the data.
export const API = '/api/v1';

export interface FieldError { field: string; reason: string }

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors: FieldError[] = [],
  ) {
    super(detail);
  }
  /** The reason given for one field (`name`, `stops[2].city`), if any. */
  reasonFor(field: string): string | undefined {
    return this.errors.find((e) => e.field === field)?.reason;
  }
}

let csrfToken = '';
export function setCsrfToken(token: string) { csrfToken = token; }

/** Called on a 401 from any request but login: the app shows the login page. */
let onUnauthorised: (detail: string) => void = () => {};
export function setUnauthorisedHandler(f: (detail: string) => void) { onUnauthorised = f; }

export interface Reply<T> { data: T; etag: string | null; status: number; location: string | null }

export type Params = Record<string, string | number | boolean | null | undefined | (string | number)[]>;

/** `path` with its query; arrays repeat the parameter, null and undefined are left out. */
export function withQuery(path: string, params?: Params): string {
  if (!params) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === '') continue;
    if (Array.isArray(v)) for (const x of v) q.append(k, String(x));
    else q.append(k, String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export interface RequestOptions { params?: Params; body?: unknown; ifMatch?: string | null; signal?: AbortSignal }

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.ifMatch) headers['If-Match'] = opts.ifMatch;
  let res: Response;
  try {
    res = await fetch(withQuery(API + path, opts.params), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, (e as Error).message || 'network error');
  }
  const type = res.headers.get('Content-Type') ?? '';
  const text = await res.text();
  let data: unknown = null;
  if (text && type.includes('json')) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const p = (data ?? {}) as { detail?: string; title?: string; errors?: FieldError[] };
    const err = new ApiError(res.status, p.detail ?? p.title ?? `${res.status} ${res.statusText}`, p.errors ?? []);
    if (res.status === 401 && path !== '/auth/login') onUnauthorised(err.detail);
    throw err;
  }
  return { data: data as T, etag: res.headers.get('ETag'), status: res.status, location: res.headers.get('Location') };
}

export const get = <T>(path: string, params?: Params, signal?: AbortSignal) =>
  request<T>('GET', path, { params, signal }).then((r) => r.data);

/** A list page: `{items, next_cursor, total?}`. */
export interface Page<T> { items: T[]; next_cursor: string | null; total?: number }

/** Any record: the common fields plus the type's own. */
export interface Rec {
  id: number;
  version: number;
  deleted_at: string | null;
  owner_unit: number | null;
  sensitivity: 'public' | 'internal' | 'restricted';
  [field: string]: unknown;
}
