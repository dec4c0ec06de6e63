/**
 * Reading documents from registries and lockfiles, which are untrusted: look only at a record's
 * own keys (never `__proto__` or an inherited property), and treat a field of the wrong type as
 * absent.
 */
export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function own(record: Json, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** The string values of a `{name: range}` map, in a prototype-free object. */
export function stringMap(value: unknown): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  if (!isRecord(value)) return out;
  for (const name of Object.keys(value)) {
    const entry = value[name];
    if (typeof entry === 'string') out[name] = entry;
  }
  return out;
}

/** The `[name, value]` string pairs of the named `{name: range}` maps of a record, in order. */
export function stringEntries(record: Json, fields: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const field of fields) {
    const map = own(record, field);
    if (!isRecord(map)) continue;
    for (const name of Object.keys(map)) {
      const value = map[name];
      if (typeof value === 'string') out.push([name, value]);
    }
  }
  return out;
}

/** A string, number or boolean as text (a version field may be any); undefined for anything else. */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

/**
 * The first `max` items of a hostile array, as a plain array, or undefined when it is not one. An
 * array read from JSON may carry an own `constructor` key, which `map`, `filter` and `slice` would
 * follow to build their result; indexing it does not.
 */
export function arrayItems(value: unknown, max = Infinity): unknown[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const length = Math.min(value.length, max);
  const out: unknown[] = [];
  for (let i = 0; i < length; i++) out.push((value as unknown[])[i]);
  return out;
}

/**
 * Text from a document as a message or a log repeats it: a URL's credentials (`//user:token@`)
 * left out, then cut to `max` characters (masked first, so a cut never keeps part of a token).
 */
export function shownText(text: string, max = 200): string {
  return text.replace(/\/\/[^/\s]*@/g, '//…@').slice(0, max);
}
