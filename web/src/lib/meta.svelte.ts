// The declarations from GET /api/v1/meta: every type, its fields, labels in both languages,
// enum values, transitions and filter operators. Loaded once after sign-in.
import { get } from './api';
import { pick } from '../i18n/index.svelte';

export type Label = { vi?: string; en?: string };

export type FieldType =
  | 'text' | 'integer' | 'decimal' | 'boolean' | 'date' | 'datetime' | 'partial_date' | 'enum'
  | 'country' | 'email' | 'url' | 'money' | 'ref' | 'ref_list' | 'text_list' | 'multilingual_text'
  | 'identifiers' | 'objects' | 'custom';

export interface EnumValue { value: string; label: Label }

export interface Field {
  name: string;
  path?: string; // custom fields: "custom.NAME"
  type: FieldType;
  label?: Label;
  description?: string;
  common?: boolean;
  read_only: boolean;
  required: boolean;
  unique?: boolean;
  searchable?: boolean;
  sortable?: boolean;
  filterable?: boolean;
  groupable?: boolean;
  filter_ops?: string[];
  values?: EnumValue[];
  transitions?: Record<string, string[]>;
  default?: unknown;
  ref?: string; // entity name (singular) for ref and ref_list
  parts?: Field[]; // objects: the fields of each item
  max_length?: number;
  max_items?: number;
  item_date?: string;
}

export interface Entity {
  name: string; // singular: "aid_project"
  plural: string; // path segment: "aid-projects"
  path: string;
  label: Label;
  plural_label: Label;
  key_field: 'id' | 'code';
  title_field: string;
  reference_data: boolean;
  timeline: boolean;
  on_timelines: boolean;
  fields: Field[];
  custom_fields: Field[];
}

export interface Meta { api: string; languages: string[]; entities: Entity[] }

export const metaState = $state({ meta: null as Meta | null });

export async function loadMeta(): Promise<Meta> {
  const m = await get<Meta>('/meta');
  metaState.meta = m;
  return m;
}

function entities(): Entity[] {
  return metaState.meta?.entities ?? [];
}

/** The type whose path segment is `plural` ("organisations"), if any. */
export function entityByPlural(plural: string): Entity | undefined {
  return entities().find((e) => e.plural === plural);
}

/** The type named `name` ("organisation"). */
export function entityByName(name: string): Entity | undefined {
  return entities().find((e) => e.name === name);
}

/** Every field of a type: declared, then common, then custom (with `path` custom.NAME). */
export function allFields(e: Entity): Field[] {
  return [...e.fields, ...e.custom_fields];
}

/** The key a filter or sort uses for a field: its name, or custom.NAME. */
export function fieldKey(f: Field): string {
  return f.path ?? f.name;
}

export function fieldLabel(f: Field): string {
  return pick(f.label, f.name.replace(/_/g, ' '));
}

export function enumLabel(f: Field, value: unknown): string {
  const v = f.values?.find((x) => x.value === value);
  return v ? pick(v.label, String(value)) : String(value ?? '');
}

/** The title of a record of type `e` (its title field; an enum title by its label). */
export function recordTitle(e: Entity, r: Record<string, unknown>): string {
  const f = e.fields.find((x) => x.name === e.title_field);
  const v = r[e.title_field];
  if (f?.type === 'enum') return enumLabel(f, v);
  if (f?.type === 'multilingual_text') return pick(v as Label);
  if (v === null || v === undefined || v === '') return `#${r[e.key_field] ?? r.id}`;
  return String(v);
}
