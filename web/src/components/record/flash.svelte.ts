// What a save leaves for the record page it goes to: the server's warnings about the record.
import type { FieldError } from '../../lib/api';

export const flash = $state({ path: '', warnings: [] as FieldError[], saved: false });

export function leaveFlash(path: string, warnings: FieldError[]) {
  flash.path = path;
  flash.warnings = warnings;
  flash.saved = true;
}

/** The flash for `path`, taken once. */
export function takeFlash(path: string): { warnings: FieldError[]; saved: boolean } | null {
  if (!flash.saved || flash.path !== path) return null;
  const r = { warnings: flash.warnings, saved: true };
  flash.path = '';
  flash.warnings = [];
  flash.saved = false;
  return r;
}
