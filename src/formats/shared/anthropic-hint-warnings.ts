import type { CanonicalRequest, ProviderData, TranslationWarning } from '../../canonical/types.js';

/** Keys of an Anthropic part's providerData that are round-trip bookkeeping, not block fields. */
const bookkeeping = new Set(['shape', 'type', 'originalContent', 'originalSource']);

/**
 * Anthropic-only hints on blocks and tools have no place in the OpenAI
 * formats, which are warned once per request, not per part:
 *
 * - `cache_control` breakpoints (with their `ttl` and `scope`): OpenAI and the
 *   OpenAI-compatible servers cache prompt prefixes on their own (routed by
 *   `prompt_cache_key` where a client sends one), so a breakpoint is dropped,
 *   and the warning says how many, and how many asked for the 1-hour cache;
 * - anything else, such as Claude Code's `defer_loading` (those servers get
 *   every tool up front).
 */
export function anthropicHintWarnings(request: CanonicalRequest, target: string, warnings: TranslationWarning[]): void {
  const names = new Set<string>();
  const breakpoints = { count: 0, oneHour: 0 };
  const collect = (providerData: ProviderData | undefined): void => {
    const data = providerData?.anthropic;
    if (data === undefined) return;
    for (const key in data) {
      if (bookkeeping.has(key)) continue;
      if (key !== 'cache_control') names.add(key);
      else {
        breakpoints.count++;
        if ((data.cache_control as { ttl?: unknown } | null)?.ttl === '1h') breakpoints.oneHour++;
      }
    }
  };
  for (const part of request.system) collect(part.providerData);
  for (const message of request.messages) for (const part of message.content) if ('providerData' in part) collect(part.providerData);
  for (const tool of request.tools) if (tool.kind !== 'builtin') collect(tool.providerData);
  if (breakpoints.count > 0) {
    const ttl = breakpoints.oneHour > 0 ? ` (${breakpoints.oneHour} with ttl 1h)` : '';
    warnings.push({ type: 'unsupported', path: 'cache_control', message: `${breakpoints.count} cache_control breakpoint(s) dropped${ttl}: ${target} caches prompt prefixes on its own` });
  }
  if (names.size > 0) warnings.push({ type: 'unsupported', path: 'messages', message: `dropped Anthropic-only block and tool fields: ${[...names].sort().join(', ')}` });
}
