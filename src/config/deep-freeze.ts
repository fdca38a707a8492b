/**
 * Freezes a value and everything reachable from it, including the entries of
 * Maps and Sets (whose mutators `Object.freeze` does not block, so they are
 * replaced with throwing ones). A snapshot is shared by every request in
 * flight; a stray write must fail loudly instead of leaking across requests.
 */
export function deepFreeze<T>(value: T): T {
  freezeValue(value, new Set());
  return value;
}

function freezeValue(value: unknown, seen: Set<unknown>): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  if (value instanceof RegExp) {
    // A RegExp's lastIndex must stay writable for exec(); our patterns have no g/y flag, so it is never used.
    return;
  }
  if (value instanceof Map) {
    for (const [key, entry] of value) {
      freezeValue(key, seen);
      freezeValue(entry, seen);
    }
    blockMutators(value, ['set', 'delete', 'clear']);
  } else if (value instanceof Set) {
    for (const entry of value) freezeValue(entry, seen);
    blockMutators(value, ['add', 'delete', 'clear']);
  } else {
    for (const key of Reflect.ownKeys(value)) freezeValue((value as Record<PropertyKey, unknown>)[key], seen);
  }
  Object.freeze(value);
}

function blockMutators(target: object, names: readonly string[]): void {
  for (const name of names) {
    Object.defineProperty(target, name, {
      value: () => {
        throw new TypeError(`cannot ${name} on a frozen config snapshot`);
      },
    });
  }
}
