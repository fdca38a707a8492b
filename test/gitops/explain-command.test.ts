import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseConfig, makeTempDir, writeConfig } from '../helpers/test-config.js';
import { commitAll, git, runCli } from './gitops-test-kit.js';

describe('switchboard explain', () => {
  let temp: { dir: string; remove(): Promise<void> };

  beforeAll(async () => {
    temp = await makeTempDir('switchboard-explain-');
    const config = baseConfig(
      { deepseek: { format: 'openai-chat', base_url: 'https://api.deepseek.com' }, anthropic: { format: 'anthropic', base_url: 'https://api.anthropic.com' } },
      {
        rules: [
          { model: 'claude-sonnet-4-5', to: ['anthropic/claude-sonnet-4-5', 'deepseek/deepseek-reasoner'] },
          { model_regex: '^claude-opus-(\\d+)-(\\d+)$', to: 'anthropic/claude-opus-$1-$2' },
          { model: 'gpt-5', to: 'deepseek/deepseek-chat' },
        ],
        default: 'mock/fallback',
      },
    );
    await writeConfig(temp.dir, config);
    // A git checkout, as in a team's config repository: the version names the commit.
    git(temp.dir, 'init', '-q');
    commitAll(temp.dir, 'config');
  });
  afterAll(() => temp.remove());

  it('shows each rule tried in order with why, and the fallback chain with formats and base URLs', () => {
    const result = runCli(['explain', '--config-dir', temp.dir, '--key', 'alice', '--model', 'claude-sonnet-4-5'], temp.dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      [
        'key alice, model claude-sonnet-4-5',
        "profile: main (the key's profile)",
        'rules:',
        '  MATCH rule 1 (model: claude-sonnet-4-5): the model is exactly this name',
        '  (2 later rules not tried: first match wins)',
        'targets (tried in order; the next one only when an attempt fails before the first byte):',
        '  1. anthropic/claude-sonnet-4-5  (anthropic at https://api.anthropic.com)',
        '  2. deepseek/deepseek-reasoner  (openai-chat at https://api.deepseek.com)',
        '',
      ].join('\n'),
    );
  });

  it('names regex captures and the substituted target', () => {
    const result = runCli(['explain', '--config-dir', temp.dir, '--key', 'alice', '--model', 'claude-opus-4-1'], temp.dir);
    expect(result.stdout).toContain('  no    rule 1 (model: claude-sonnet-4-5): the model is not "claude-sonnet-4-5"\n');
    expect(result.stdout).toContain('  MATCH rule 2 (model_regex: ^claude-opus-(\\d+)-(\\d+)$): /^claude-opus-(\\d+)-(\\d+)$/ matches "claude-opus-4-1" with $1="4", $2="1"\n');
    expect(result.stdout).toContain('  1. anthropic/claude-opus-4-1  (anthropic at https://api.anthropic.com)\n');
  });

  it('falls to the default after trying every rule', () => {
    const result = runCli(['explain', '--config-dir', temp.dir, '--key', 'alice', '--model', 'o3', '--format', 'json'], temp.dir);
    expect(result.status).toBe(0);
    const explanation = JSON.parse(result.stdout) as { config: string; tried: Array<{ matched: boolean }>; decidedBy: string; targets: Array<{ target: string; format: string }> };
    expect(explanation.config).toMatch(/^[0-9a-f]{12}@[0-9a-f]+$/);
    expect(explanation.tried).toHaveLength(3);
    expect(explanation.tried.every((attempt) => !attempt.matched)).toBe(true);
    expect(explanation.decidedBy).toBe('default');
    expect(explanation.targets).toEqual([{ target: 'mock/fallback', provider: 'mock', format: 'mock', baseUrl: '' }]);
  });

  it('uses a profile picked per request, and refuses one the key may not use', () => {
    const picked = runCli(['explain', '--config-dir', temp.dir, '--key', 'alice', '--profile', 'alt', '--model', 'gpt-5'], temp.dir);
    expect(picked.status).toBe(0);
    expect(picked.stdout).toContain('profile: alt (picked with x-switchboard-profile)\n');
    expect(picked.stdout).toContain('  1. mock/alt-echo  (built-in mock provider)\n');

    const forbidden = runCli(['explain', '--config-dir', temp.dir, '--key', 'bob', '--profile', 'main', '--model', 'gpt-5'], temp.dir);
    expect(forbidden.status).toBe(2);
    expect(forbidden.stdout).toContain('refused: key "bob" may not use profile "main"; it may use alt (403 SB_AUTH_PROFILE_FORBIDDEN)\n');

    const disabled = runCli(['explain', '--config-dir', temp.dir, '--key', 'carol', '--model', 'gpt-5'], temp.dir);
    expect(disabled.status).toBe(2);
    expect(disabled.stdout).toContain('refused: key "carol" is disabled (403 SB_AUTH_KEY_DISABLED)\n');
  });

  it('explains a profile without a key', () => {
    const result = runCli(['explain', '--config-dir', temp.dir, '--profile', 'main', '--model', 'gpt-5'], temp.dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('profile: main (given with --profile)\n');
    expect(result.stdout).toContain('  1. deepseek/deepseek-chat  (openai-chat at https://api.deepseek.com)\n');
  });

  it('exits 1 for an unknown key or profile, with the closest name', () => {
    const key = runCli(['explain', '--config-dir', temp.dir, '--key', 'alcie', '--model', 'gpt-5'], temp.dir);
    expect(key.status).toBe(1);
    expect(key.stderr).toBe('switchboard explain: no key "alcie" in gateway.yaml; did you mean "alice"?\n');
    const profile = runCli(['explain', '--config-dir', temp.dir, '--profile', 'mian', '--model', 'gpt-5'], temp.dir);
    expect(profile.stderr).toBe('switchboard explain: no profile "mian"; did you mean "main"?\n');
    const missing = runCli(['explain', '--config-dir', temp.dir, '--key', 'alice'], temp.dir);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('--model is required');
  });
});
