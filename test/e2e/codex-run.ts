import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isolatedEnv, runClient, type ClientRun, type RealClient, type StrayTrafficTrap } from './real-clients.js';

/**
 * Running `codex exec` against the gateway the way a user sets it up: the
 * README's `model_providers` entry, and (unless a test names one) no `model`
 * line, so Codex picks its own default model and sends what a new user's
 * first try sends.
 */

/** Codex's default model in 0.169, what it asks for when config.toml names none. */
export const codexDefaultModel = 'gpt-6.1-sol';

export interface CodexRunOptions {
  /** A fresh directory for this run's home, CODEX_HOME and working directory. */
  root: string;
  /** The gateway's base address (`http://127.0.0.1:PORT`). */
  gateway: string;
  apiKey: string;
  trap: StrayTrafficTrap;
  prompt: string;
  /** `model = …` in config.toml; left out by default. */
  model?: string;
  /** Extra headers on every request to the gateway (`model_providers.<id>.http_headers`), e.g. `x-switchboard-profile`. */
  httpHeaders?: Record<string, string>;
  /** `supports_websockets = true` in the provider entry: Codex 0.169 then opens `ws://…/v1/responses` instead of POSTing each turn. */
  supportsWebsockets?: boolean;
  /** `-c key=value` overrides on the command line. */
  overrides?: string[];
  timeoutMs?: number;
}

export interface CodexRunResult {
  run: ClientRun;
  /** The working directory Codex ran in (where its tools write files). */
  work: string;
}

/**
 * Current Codex accepts only `wire_api = "responses"` for a custom provider.
 * Update checks and analytics are off, and so is the plugins feature, which
 * would sync a plugin catalogue from github.com and chatgpt.com at start.
 */
function configToml(options: CodexRunOptions): string {
  const lines = options.model === undefined ? [] : [`model = "${options.model}"`];
  lines.push('model_provider = "switchboard"', 'check_for_update_on_startup = false', '', '[analytics]', 'enabled = false', '', '[features]', 'plugins = false', '');
  lines.push('[model_providers.switchboard]', 'name = "Switchboard"', `base_url = "${options.gateway}/v1"`, 'env_key = "SWITCHBOARD_API_KEY"', 'wire_api = "responses"');
  if (options.supportsWebsockets === true) lines.push('supports_websockets = true');
  if (options.httpHeaders !== undefined) {
    lines.push(`http_headers = { ${Object.entries(options.httpHeaders).map(([name, value]) => `"${name}" = "${value}"`).join(', ')} }`);
  }
  return `${lines.join('\n')}\n`;
}

/** Runs `codex exec` once, headless (stdin closed), in an isolated home, with stray traffic sent to the trap. */
export async function runCodexExec(client: RealClient, options: CodexRunOptions): Promise<CodexRunResult> {
  const home = path.join(options.root, 'home');
  const codexHome = path.join(options.root, 'codex-home');
  const work = path.join(options.root, 'work');
  await Promise.all([mkdir(home, { recursive: true }), mkdir(codexHome, { recursive: true }), mkdir(work, { recursive: true })]);
  await writeFile(path.join(codexHome, 'config.toml'), configToml(options));
  const args = ['exec', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', '--ephemeral', '--color', 'never'];
  for (const override of options.overrides ?? []) args.push('-c', override);
  args.push(options.prompt);
  const run = await runClient(client, args, {
    cwd: work,
    timeoutMs: options.timeoutMs ?? 45_000,
    env: { ...isolatedEnv(home), ...options.trap.env(), CODEX_HOME: codexHome, SWITCHBOARD_API_KEY: options.apiKey },
  });
  return { run, work };
}
