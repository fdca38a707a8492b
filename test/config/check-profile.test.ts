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
