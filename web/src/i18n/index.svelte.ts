// The chosen language (vi or en), the strings in it, and labels from /meta in it.
import vi from './vi';
import en from './en';

export type Lang = 'vi' | 'en';
export type Key = keyof typeof vi;
const dictionaries: Record<Lang, Record<Key, string>> = { vi, en };

function initialLang(): Lang {
  const saved = localStorage.getItem('amity.lang');
  if (saved === 'vi' || saved === 'en') return saved;
  return navigator.language.toLowerCase().startsWith('vi') ? 'vi' : 'en';
}

export const ui = $state({ lang: initialLang() });
document.documentElement.lang = ui.lang;

export function setLang(lang: Lang) {
  ui.lang = lang;
  localStorage.setItem('amity.lang', lang);
  document.documentElement.lang = lang;
}

/** The string `key` in the chosen language, with `{name}` placeholders filled from `vars`. */
export function t(key: Key, vars?: Record<string, string | number>): string {
  const s = dictionaries[ui.lang][key];
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** A label declared in both languages (meta's `label`, a country's `names`): the chosen one. */
export function pick(label: Partial<Record<string, string>> | null | undefined, fallback = ''): string {
  if (!label) return fallback;
  return label[ui.lang] ?? label.en ?? label.vi ?? Object.values(label)[0] ?? fallback;
}

/** The BCP 47 locale for Intl formatting. */
export function locale(): string {
  return ui.lang === 'vi' ? 'vi-VN' : 'en-GB';
}
