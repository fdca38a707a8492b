import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from './config-test-kit.js';

describe('schema/*.schema.json', () => {
  it('are up to date with src/config/types.ts (run `npm run schema` when this fails)', async () => {
    const result = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(process.execPath, [path.join(packageRoot, 'bin/switchboard-schema.js'), '--check'], { cwd: packageRoot }, (error, stdout, stderr) => {
        resolve({ code: error ? 1 : 0, output: stdout + stderr });
      });
    });
    expect(result.output).not.toContain('is stale');
    expect(result.code).toBe(0);
  }, 30_000);
});
