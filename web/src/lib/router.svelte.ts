// Client routes on the History API: `/organisations/12` and the like. The server answers
// index.html for every path that is not an asset or the API, so a reload lands on the same screen.
export const route = $state({ path: location.pathname, query: new URLSearchParams(location.search) });

export function navigate(to: string, opts: { replace?: boolean } = {}) {
  const url = new URL(to, location.origin);
  if (opts.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  route.path = url.pathname;
  route.query = new URLSearchParams(url.search);
  if (!opts.replace) window.scrollTo(0, 0);
}

/** Replaces the query of the current route (list filters, sort, paging) without a new entry. */
export function setQuery(params: URLSearchParams) {
  const s = params.toString();
  navigate(route.path + (s ? `?${s}` : ''), { replace: true });
}

addEventListener('popstate', () => {
  route.path = location.pathname;
  route.query = new URLSearchParams(location.search);
});

// Same-origin links navigate in place; modified clicks (new tab) and downloads are left alone.
addEventListener('click', (ev) => {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = (ev.target as Element | null)?.closest?.('a');
  if (!a || a.target || a.hasAttribute('download')) return;
  const href = a.getAttribute('href');
  if (!href || !href.startsWith('/') || href.startsWith('/api/')) return;
  ev.preventDefault();
  navigate(href);
});

/** Splits the path into segments: "/organisations/12" → ["organisations", "12"]. */
export function segments(path: string): string[] {
  return path.split('/').filter(Boolean).map(decodeURIComponent);
}
