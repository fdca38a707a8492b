/**
 * Unknown fields are kept, never rejected: a reader puts the fields it does
 * not map into the format's `providerData` so the same format's writer can
 * put them back, and other writers name them in a warning.
 */
export function collectUnknownFields(source: Record<string, unknown>, known: ReadonlySet<string>): Record<string, unknown> | undefined {
  let rest: Record<string, unknown> | undefined;
  for (const key in source) {
    if (known.has(key)) continue;
    (rest ??= {})[key] = source[key];
  }
  return rest;
}
