import { afterAll, describe, expect, it } from 'vitest';
import { withoutExactCounts } from '../../src/config/check-profile.js';
import { loadConfig } from '../../src/config/load-config.js';
import { removeConfigDirs, testEnv, validFiles, writeConfigDir } from './config-test-kit.js';

afterAll(removeConfigDirs);

describe('regex safety', () => {
  it('ignores exact counts, which cannot backtrack, but keeps every other quantifier', () => {
    expect(withoutExactCounts('^claude-(-\\d{8})?$')).toBe('^claude-(-\\d)?$');
    expect(withoutExactCounts('a{2,}b{1,3}\\{4}[x{5}]')).toBe('a{2,}b{1,3}\\{4}[x{5}]');
  });

  it('accepts a dated-model regex and refuses nested repetition', async () => {
    const profile = (regex: string) => `rules:\n  - model_regex: '${regex}'\n    to: mock/x\n`;
    const safe = await loadConfig(await writeConfigDir({ ...validFiles, 'profiles/team.yaml': profile('^claude-sonnet-4-5(-\\d{8})?$') }), { env: testEnv });
    expect(safe.problems).toEqual([]);
    const unsafe = await loadConfig(await writeConfigDir({ ...validFiles, 'profiles/team.yaml': profile('^(\\w+\\s?)+$') }), { env: testEnv });
    expect(unsafe.problems.map((problem) => problem.code)).toEqual(['CFG_UNSAFE_REGEX']);
  });
});
