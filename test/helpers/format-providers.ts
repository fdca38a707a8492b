import type { FakeProvider } from './fake-provider.js';

export type ProviderFormat = 'anthropic' | 'openai-chat' | 'openai-responses';
export const providerFormats: ProviderFormat[] = ['anthropic', 'openai-chat', 'openai-responses'];

/** The config name of each format's provider in oneProviderPerFormat. */
export const providerNameOf: Record<ProviderFormat, string> = { anthropic: 'anth', 'openai-chat': 'chat', 'openai-responses': 'resp' };

/** Provider config entries for one fake provider per wire format (`anth`, `chat`, `resp`), without retries (a scripted failure reaches the client as it is); `extra` goes into each. */
export function oneProviderPerFormat(providers: Record<ProviderFormat, Pick<FakeProvider, 'url'>>, extra: Record<string, unknown> = {}): Record<string, Record<string, unknown>> {
  const settings: Record<string, Record<string, unknown>> = {};
  for (const format of providerFormats) settings[providerNameOf[format]] = { format, base_url: providers[format].url, retry: { max_retries: 0 }, ...extra };
  return settings;
}

/** Rules that send `modelFor(format)` to the fake provider of that format (see oneProviderPerFormat). */
export function rulesToEachFormat(modelFor: (format: ProviderFormat) => string): Array<{ model: string; to: string }> {
  return [
    { model: modelFor('anthropic'), to: `${providerNameOf.anthropic}/upstream-claude` },
    { model: modelFor('openai-chat'), to: `${providerNameOf['openai-chat']}/deepseek-reasoner` },
    { model: modelFor('openai-responses'), to: `${providerNameOf['openai-responses']}/upstream-gpt` },
  ];
}
