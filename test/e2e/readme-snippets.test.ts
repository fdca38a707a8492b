import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startProcess, type GatewayProcess } from '../helpers/gateway-under-test.js';
import { makeTempDir } from '../helpers/test-config.js';
import { describeRun, isolatedEnv, requireClient, runClient, StrayTrafficTrap } from './real-clients.js';

/**
 * README.md's client snippets, run as written: the fenced blocks of "Pointing
 * clients at it" are parsed, only the `HOST:8090` and `<your key>` placeholders
 * are replaced, and the real clients run on their default models against this
 * repository's own config (gateway.yaml + profiles/) with the public demo key,
 * which routes every model to the built-in mock provider.
 */

const claude = requireClient('claude');
const codex = requireClient('codex');

/** The public demo key of the shipped gateway.yaml. */
const demoKey = 'sb-demo-local-only-key';

interface Snippet {
  language: string;
  text: string;
}

/** The fenced blocks of the README section that tells users how to point their clients at the gateway. */
async function readmeSnippets(): Promise<Snippet[]> {
  const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8');
  const start = readme.indexOf('## Pointing clients at it');
  expect(start, 'README.md has a "Pointing clients at it" section').toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((match) => ({ language: match[1]!, text: match[2]! }));
}

function snippetWith(snippets: Snippet[], language: string, marker: string): string {
  const found = snippets.filter((snippet) => snippet.language === language && snippet.text.includes(marker));
  expect(found, `one \`\`\`${language} block with ${marker} in README.md`).toHaveLength(1);
  return found[0]!.text;
}

/**
 * Replaces the placeholders, and checks the ones given are there: a snippet
 * without them would not be the one users copy.
 */
function fillPlaceholders(text: string, gatewayUrl: string, expected: Array<'http://HOST:8090' | '<your key>'>): string {
  for (const placeholder of expected) expect(text).toContain(placeholder);
  return text.replaceAll('http://HOST:8090', gatewayUrl).replaceAll('<your key>', demoKey);
}

/** A shell snippet of `export NAME=value` lines ending with the client's command: the variables, and that command. */
function shellSnippet(text: string): { env: Record<string, string>; command: string } {
  const lines = text.trim().split('\n');
  const env: Record<string, string> = {};
  for (const line of lines.slice(0, -1)) {
    const assignment = /^export ([A-Z_][A-Z0-9_]*)=(\S+)$/.exec(line);
    expect(assignment, `an export line: ${line}`).not.toBeNull();
    env[assignment![1]!] = assignment![2]!;
  }
  return { env, command: lines.at(-1)! };
}

describe('README.md client snippets, run as written against the shipped config', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: GatewayProcess;
  let snippets: Snippet[];
  const trap = new StrayTrafficTrap();

  beforeAll(async () => {
    snippets = await readmeSnippets();
    temp = await makeTempDir('switchboard-e2e-readme-');
    // The repository's own config files, copied so the test's traces stay out of the working tree.
    const config = path.join(temp.dir, 'config');
    await mkdir(config);
    await Promise.all([cp(path.join(repoRoot, 'gateway.yaml'), path.join(config, 'gateway.yaml')), cp(path.join(repoRoot, 'profiles'), path.join(config, 'profiles'), { recursive: true })]);
    await trap.start();
    // `npm start` is `switchboard serve` in the config folder; only the port differs.
    gateway = await startProcess(config);
  });
  afterAll(async () => {
    await gateway?.stop();
    await trap.close();
    await temp?.remove();
  });

  it('Claude Code on its default model gets its answer from the mock provider, and lists the demo profile\'s models', { timeout: 90_000 }, async () => {
    const { env, command } = shellSnippet(fillPlaceholders(snippetWith(snippets, 'sh', 'ANTHROPIC_BASE_URL'), gateway.url, ['http://HOST:8090', '<your key>']));
    expect(command).toBe('claude');
    expect(env.ANTHROPIC_MODEL, 'the snippet leaves Claude Code on its default model').toBeUndefined();
    const home = path.join(temp.dir, 'claude-home');
    const work = path.join(temp.dir, 'claude-work');
    await Promise.all([mkdir(home), mkdir(work)]);

    const strayBefore = trap.attempts.length;
    const run = await runClient(claude, ['-p', 'Hello from the README test.'], { cwd: work, timeoutMs: 60_000, env: { ...isolatedEnv(home), ...trap.env(), ...env } });
    const report = describeRun(run);
    expect(run.code, report).toBe(0);
    // The demo profile's explicit rule for Claude Code's default model: claude-opus-5-5 -> mock/opus-echo.
    expect(run.stdout, report).toContain('Mock answer from opus-echo.');
    expect(run.stdout, report).toContain('Hello from the README test.');
    const discovered = JSON.parse(await readFile(path.join(home, '.claude', 'cache', 'gateway-models.json'), 'utf8')) as { models: unknown[] };
    expect(discovered.models, report).toEqual([
      { id: 'claude-opus-5-5', display_name: 'Opus 5.5 (Switchboard demo, mock)' },
      { id: 'claude-sonnet-4-5', display_name: 'claude-sonnet-4-5' },
    ]);
    expect(trap.attempts.slice(strayBefore), `requests that did not go to the gateway\n${report}`).toEqual([]);
  });

  it('Codex on its default model gets its answer from the mock provider', { timeout: 90_000 }, async () => {
    const toml = fillPlaceholders(snippetWith(snippets, 'toml', '[model_providers.switchboard]'), gateway.url, ['http://HOST:8090']);
    expect(toml, 'the snippet leaves Codex on its default model').not.toMatch(/^model\s*=/m);
    const { env, command } = shellSnippet(fillPlaceholders(snippetWith(snippets, 'sh', 'SWITCHBOARD_API_KEY'), gateway.url, ['<your key>']));
    expect(command).toBe('codex');
    const home = path.join(temp.dir, 'codex-home');
    const codexHome = path.join(home, '.codex');
    const work = path.join(temp.dir, 'codex-work');
    await Promise.all([mkdir(codexHome, { recursive: true }), mkdir(work)]);
    await writeFile(path.join(codexHome, 'config.toml'), toml);

    const strayBefore = trap.attempts.length;
    // `codex exec` is the headless form of the snippet's `codex`; its config comes from ~/.codex as a user's would.
    const run = await runClient(codex, ['exec', '--skip-git-repo-check', '--ephemeral', '--color', 'never', 'Hello from the README test.'], {
      cwd: work,
      timeoutMs: 60_000,
      env: { ...isolatedEnv(home), ...trap.env(), ...env },
    });
    const report = describeRun(run);
    expect(run.code, report).toBe(0);
    // Codex 0.169.0's default model gpt-6.1-sol matches the demo profile's ^gpt-(.+)$ -> mock/gpt-$1-echo.
    expect(run.stdout, report).toContain('Mock answer from gpt-6.1-sol-echo.');
    expect(run.stdout, report).toContain('Hello from the README test.');
    expect(trap.attempts.slice(strayBefore), `requests that did not go to the gateway\n${report}`).toEqual([]);
  });
});
