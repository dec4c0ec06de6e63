/** Small collection helpers shared across the codebase. */

/** Adds `value` to the list under `key`, in place (no copy of the list per addition). */
export function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
