import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorCodes } from '../../src/errors/codes.js';
import { repoRoot } from '../helpers/gateway-under-test.js';

describe('error code registry', () => {
  it('documents every code in docs/errors.md, and no code that does not exist', async () => {
    const docs = await readFile(path.join(repoRoot, 'docs/errors.md'), 'utf8');
    const documented = new Set([...docs.matchAll(/^\| `(SB_[A-Z_]+)` \| (\d+) \|/gm)].map((match) => `${match[1]} ${match[2]}`));
    const registered = new Set(Object.entries(errorCodes).map(([code, info]) => `${code} ${info.status}`));
    expect([...documented].sort()).toEqual([...registered].sort());
  });
});
