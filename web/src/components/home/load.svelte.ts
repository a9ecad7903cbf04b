// How each dashboard section loads: again whenever the working unit changes, the previous load
// aborted (a late answer for the old unit must not overwrite the new one), and a failure shown
// as the server's detail. An aborted load is no failure.
import { ApiError } from '../../lib/api';

/** The words for a failed load: problem+json's `detail`, else the error's message. */
export function problemDetail(e: unknown): string {
  return e instanceof ApiError ? e.detail : (e as Error).message;
}

/** Whether `e` only says the load was aborted. */
export function aborted(e: unknown): boolean {
  return (e as Error)?.name === 'AbortError';
}

/**
 * Runs `load(unit(), signal)` now and whenever the unit changes (call it while the component
 * initialises); a failure other than the abort goes to `fail` with its detail.
 */
export function loadPerUnit(
  unit: () => number | null,
  load: (unit: number | null, signal: AbortSignal) => Promise<void>,
  fail: (detail: string) => void,
): void {
  $effect(() => {
    const ctl = new AbortController();
    load(unit(), ctl.signal).catch((e) => {
      if (!ctl.signal.aborted && !aborted(e)) fail(problemDetail(e));
    });
    return () => ctl.abort();
  });
}
