import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { removeConfigDirs, testEnv, validFiles, writeConfigDir } from './config-test-kit.js';

afterAll(removeConfigDirs);

describe('regex safety', () => {
  it('accepts a dated-model regex and nested repetition (matched in linear time), and refuses a backreference', async () => {
    const profile = (regex: string) => `rules:\n  - model_regex: '${regex}'\n    to: mock/x\n`;
    const safe = await loadConfig(await writeConfigDir({ ...validFiles, 'profiles/team.yaml': profile('^claude-sonnet-4-5(-\\d{8})?$') }), { env: testEnv });
    expect(safe.problems).toEqual([]);
    const nested = await loadConfig(await writeConfigDir({ ...validFiles, 'profiles/team.yaml': profile('^(\\w+\\s?)+$') }), { env: testEnv });
    expect(nested.problems).toEqual([]);
    const unsafe = await loadConfig(await writeConfigDir({ ...validFiles, 'profiles/team.yaml': profile('^(\\w+)-\\1$') }), { env: testEnv });
    expect(unsafe.problems.map((problem) => problem.code)).toEqual(['CFG_UNSAFE_REGEX']);
  });
});

describe('list_as', () => {
  const load = async (rules: string) => loadConfig(await writeConfigDir({ ...validFiles, 'profiles/team.yaml': `rules:\n${rules}` }), { env: testEnv });

  it('accepts names that route to their rule, and builds the model list from them', async () => {
    const { problems, snapshot } = await load(
      [
        '  - model: claude-sonnet-4-5',
        '    to: deepseek/deepseek-chat',
        '  - model_regex: ^claude-opus-(.+)$',
        '    to: mock/opus-$1',
        '    list_as:',
        '      - model: claude-opus-5-5',
        '        display_name: Opus 5.5 (mock)',
        '      - model: claude-opus-4-1',
        '  - model: claude-haiku-4-5',
        '    to: mock/haiku',
        '    list_as: []',
        '',
      ].join('\n'),
    );
    expect(problems).toEqual([]);
    expect(snapshot!.profiles.get('team')!.listedModels).toEqual([
      { id: 'claude-sonnet-4-5', displayName: 'claude-sonnet-4-5' },
      { id: 'claude-opus-5-5', displayName: 'Opus 5.5 (mock)' },
      { id: 'claude-opus-4-1', displayName: 'claude-opus-4-1' },
    ]);
  });

  it('refuses a name the rule does not match, or one an earlier rule takes, at the line of the name', async () => {
    const { problems } = await load(
      [
        '  - model_regex: ^claude-sonnet-.*$',
        '    to: deepseek/deepseek-chat',
        '  - model: claude-haiku-4-5',
        '    to: mock/haiku',
        '    list_as:',
        '      - model: claude-haiku-4-5-20251001',
        '  - model_regex: ^claude-(.+)$',
        '    to: mock/claude-$1',
        '    list_as:',
        '      - model: gpt-5',
        '      - model: claude-sonnet-4-5',
        '      - model: claude-opus-5-5',
        '',
      ].join('\n'),
    );
    expect(problems.map((problem) => [problem.code, problem.line, problem.message])).toEqual([
      ['CFG_LIST_AS_MISMATCH', 7, 'list_as model "claude-haiku-4-5-20251001" of rule 2 does not route to rule 2: its model "claude-haiku-4-5" does not match it'],
      ['CFG_LIST_AS_MISMATCH', 11, 'list_as model "gpt-5" of rule 3 does not route to rule 3: its model_regex "^claude-(.+)$" does not match it'],
      ['CFG_LIST_AS_MISMATCH', 12, 'list_as model "claude-sonnet-4-5" of rule 3 does not route to rule 3: rule 1 (line 2) matches it first'],
    ]);
  });
});
