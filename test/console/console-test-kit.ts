import path from 'node:path';
import type { Logger } from '../../src/log/logger.js';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { FakeProvider } from '../helpers/fake-provider.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { baseConfig, makeTempDir, sha256, testSecrets, writeConfig, type TestConfig } from '../helpers/test-config.js';
import { chatTurnCompletion, chatTurnStream } from '../helpers/wire-transcripts.js';

/** The admin key's secret; `alice` and `bob` (test-config) are client keys. */
export const adminSecret = 'sb-test-admin-console-0123456789abcdef';
export const providerSecret = 'provider-secret-never-on-a-page-42';

export interface ConsoleGateway {
  gateway: RunningGateway;
  upstream: FakeProvider;
  dir: string;
  tracesDir: string;
  config: TestConfig;
  stop(): Promise<void>;
}

/**
 * A gateway with the console on: the built-in mock answers most models, a fake Chat Completions
 * upstream answers `reasoner` with reasoning and a tool call, and `haiku` falls back from a
 * provider nobody listens on to the mock (two attempts in its trace line).
 */
export async function startConsoleGateway(extra: (config: TestConfig) => void = () => {}, logger?: Logger): Promise<ConsoleGateway> {
  const temp = await makeTempDir('switchboard-console-');
  const upstream = await new FakeProvider().start();
  upstream.reply((request) => {
    const model = String(request.body.model);
    const turn = { reasoning: 'The user wants the files listed.', text: 'Listing them.', toolCall: { id: 'call_ls', name: 'bash', argumentPieces: ['{"command":', '"ls"}'] } };
    return request.body.stream === true ? { kind: 'sse', frames: chatTurnStream(model, turn) } : { kind: 'json', body: chatTurnCompletion(model, turn) };
  });
  process.env.SB_CONSOLE_TEST_PROVIDER_KEY = providerSecret;
  const tracesDir = path.join(temp.dir, 'traces');
  const config = baseConfig(
    {
      chat: { format: 'openai-chat', base_url: upstream.url, api_key: '${SB_CONSOLE_TEST_PROVIDER_KEY}' },
      // Port 1: nothing listens, the connection is refused at once.
      broken: { format: 'openai-chat', base_url: 'http://127.0.0.1:1', api_key: '${SB_CONSOLE_TEST_PROVIDER_KEY}', retry: { max_retries: 0 } },
    },
    {
      description: 'The console tests profile.',
      rules: [
        { model: 'claude-sonnet-4-5', to: 'mock/sonnet-echo', description: 'Claude Code main model.' },
        { model: 'gpt-5', to: 'mock/gpt-echo' },
        { model: 'reasoner', to: 'chat/deepseek-reasoner' },
        { model_regex: '^claude-haiku-(.+)$', to: ['broken/haiku-$1', 'mock/haiku-echo'] },
      ],
      default: 'mock/echo',
    },
    tracesDir,
  );
  (config.gateway.keys as Record<string, unknown>).admin = { sha256: sha256(adminSecret), profile: 'main', role: 'admin', description: 'The operator.' };
  config.gateway.ui = { enabled: true };
  extra(config);
  await writeConfig(temp.dir, config);
  const gateway = await startInProcess(temp.dir, logger ? { logger } : {});
  return {
    gateway,
    upstream,
    dir: temp.dir,
    tracesDir,
    config,
    async stop() {
      await gateway.stop();
      await upstream.close();
      await temp.remove();
    },
  };
}

export { testSecrets };
