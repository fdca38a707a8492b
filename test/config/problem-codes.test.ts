import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configProblemCodes } from '../../src/config/problem-codes.js';
import { packageRoot } from './config-test-kit.js';

describe('config problem codes', () => {
  it('are each documented in docs/config.md', async () => {
    const docs = await readFile(path.join(packageRoot, 'docs/config.md'), 'utf8');
    const undocumented = Object.keys(configProblemCodes).filter((code) => !docs.includes(`\`${code}\``));
    expect(undocumented).toEqual([]);
  });
});
