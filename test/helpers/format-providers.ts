import type { FakeProvider } from './fake-provider.js';

export type ProviderFormat = 'anthropic' | 'openai-chat' | 'openai-responses';
export const providerFormats: ProviderFormat[] = ['anthropic', 'openai-chat', 'openai-responses'];

/** The config name of each format's provider in oneProviderPerFormat. */
export const providerNameOf: Record<ProviderFormat, string> = { anthropic: 'anth', 'openai-chat': 'chat', 'openai-responses': 'resp' };

/** Provider config entries for one fake provider per wire format (`anth`, `chat`, `resp`), without retries; `extra` goes into each. */
export function oneProviderPerFormat(providers: Record<ProviderFormat, FakeProvider>, extra: Record<string, unknown> = {}): Record<string, Record<string, unknown>> {
  const settings: Record<string, Record<string, unknown>> = {};
  for (const format of providerFormats) settings[providerNameOf[format]] = { format, base_url: providers[format].url, retry: { max_retries: 0 }, ...extra };
  return settings;
}
