import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';

/** Secrets of the test keys; the config holds only their hashes. */
export const testSecrets = {
  alice: 'sb-test-alice-0123456789abcdef',
  bob: 'sb-test-bob-0123456789abcdef',
  carol: 'sb-test-carol-disabled-0123456789',
  /** `role: admin`: may read /status and /metrics on the main port. */
  ops: 'sb-test-ops-admin-0123456789abcdef',
} as const;

/** Headers that let a test read `/status` and `/metrics` on the main port. */
export const adminHeaders = { 'x-api-key': testSecrets.ops };

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface TestConfig {
  gateway: Record<string, unknown>;
  profiles: Record<string, Record<string, unknown>>;
}

/** A config where `alice` (profile `main`, may also use `alt`) routes by the given rules; `ops` is an admin key; the `mock` provider is always there (profile `alt` uses it). */
export function baseConfig(providers: Record<string, Record<string, unknown>>, mainProfile: Record<string, unknown>, tracesDir?: string): TestConfig {
  return {
    gateway: {
      server: { host: '127.0.0.1', port: 0 },
      providers: { mock: { format: 'mock' }, ...providers },
      keys: {
        alice: { sha256: sha256(testSecrets.alice), profile: 'main', profiles: ['alt'] },
        bob: { sha256: sha256(testSecrets.bob), profile: 'alt' },
        carol: { sha256: sha256(testSecrets.carol), profile: 'main', disabled: true },
        ops: { sha256: sha256(testSecrets.ops), profile: 'alt', role: 'admin' },
      },
      traces: tracesDir ? { dir: tracesDir } : { enabled: false },
    },
    profiles: {
      main: mainProfile,
      alt: { rules: [], default: 'mock/alt-echo' },
    },
  };
}

/** Writes the config as YAML files in `dir` (created if missing). */
export async function writeConfig(dir: string, config: TestConfig): Promise<void> {
  await mkdir(path.join(dir, 'profiles'), { recursive: true });
  await writeFile(path.join(dir, 'gateway.yaml'), stringify(config.gateway));
  for (const [name, profile] of Object.entries(config.profiles)) {
    await writeFile(path.join(dir, 'profiles', `${name}.yaml`), stringify(profile));
  }
}

export async function makeTempDir(prefix = 'switchboard-test-'): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
