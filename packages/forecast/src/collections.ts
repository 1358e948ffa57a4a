/** The value at `key`, created by `make` the first time. */
export function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/** Appends to the list at `key` of a record of lists. */
export function pushTo<K extends string>(record: Partial<Record<K, string[]>>, key: K, value: string): void {
  const list = record[key];
  if (list) list.push(value);
  else record[key] = [value];
}

/** Compares strings by code unit (the order of `sort()`), for stable answers. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
