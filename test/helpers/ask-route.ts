import { testSecrets } from './test-config.js';

/** One small Anthropic request as alice; the answer's status, the route that served it and the config version. */
export async function askRoute(url: string, model = 'claude-sonnet-4-5'): Promise<{ status: number; route: string | null; config: string | null }> {
  const response = await fetch(`${url}/anthropic/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': testSecrets.alice, 'content-type': 'application/json' },
    body: JSON.stringify({ model, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.arrayBuffer();
  return { status: response.status, route: response.headers.get('x-switchboard-route'), config: response.headers.get('x-switchboard-config') };
}
