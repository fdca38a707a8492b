import type { ProviderData, TranslationWarning, WireFormat } from '../../canonical/types.js';

/**
 * One warning per format whose request-level providerData a writer for
 * another format cannot use (Anthropic `context_management`, the Claude Code
 * billing header, Chat `seed`…), so a dropped field is always named.
 */
export function foreignProviderDataWarnings(providerData: ProviderData | undefined, target: WireFormat, warnings: TranslationWarning[]): void {
  if (providerData === undefined) return;
  for (const format in providerData) {
    if (format === target) continue;
    const data = providerData[format as WireFormat];
    if (data === undefined) continue;
    const names = describeFields(data);
    if (names.length === 0) continue;
    warnings.push({ type: 'unsupported', path: `providerData.${format}`, message: `dropped fields only ${format} understands: ${names.join(', ')}` });
  }
}

/**
 * Field names of a providerData bag; an `extra` bag of unknown request fields
 * is listed by its keys, and `shape` (flags that only keep a round trip
 * byte-faithful, such as "system was a string") is not a dropped field.
 */
function describeFields(data: Record<string, unknown>): string[] {
  const names: string[] = [];
  for (const key in data) {
    const value = data[key];
    if (value === undefined || key === 'shape') continue;
    if (key === 'extra' && typeof value === 'object' && value !== null) names.push(...Object.keys(value));
    else names.push(key);
  }
  return names;
}
