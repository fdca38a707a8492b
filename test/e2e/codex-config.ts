import { writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes `config.toml` in an isolated CODEX_HOME: the gateway as Codex's model
 * provider, update checks and analytics off. Current Codex accepts only
 * wire_api = "responses" for a custom provider. The plugins feature syncs a
 * plugin catalogue from github.com and chatgpt.com at start: off.
 * `supportsWebsockets` makes Codex 0.169 open `ws://…/v1/responses` instead of
 * POSTing each turn.
 */
export async function writeCodexConfig(codexHome: string, options: { model: string; gatewayAddress: string; supportsWebsockets?: boolean }): Promise<void> {
  const lines = [
    `model = "${options.model}"`,
    'model_provider = "switchboard"',
    'check_for_update_on_startup = false',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[features]',
    'plugins = false',
    '',
    '[model_providers.switchboard]',
    'name = "Switchboard"',
    `base_url = "${options.gatewayAddress}/v1"`,
    'env_key = "SWITCHBOARD_API_KEY"',
    'wire_api = "responses"',
  ];
  if (options.supportsWebsockets) lines.push('supports_websockets = true');
  await writeFile(path.join(codexHome, 'config.toml'), `${lines.join('\n')}\n`);
}
