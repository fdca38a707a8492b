import { rename, symlink, writeFile, mkdir, cp } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { ModelPattern } from '../../src/routing/model-pattern.js';
import { resolveRoute } from '../../src/routing/resolve-route.js';
import { packageRoot, removeConfigDirs, sha256, testEnv, validFiles, writeConfigDir } from './config-test-kit.js';

afterAll(removeConfigDirs);

describe('loadConfig', () => {
  it('compiles a deep-frozen snapshot with every default applied', async () => {
    const dir = await writeConfigDir(validFiles);
    const { snapshot, problems } = await loadConfig(dir, { env: testEnv });
    expect(problems).toEqual([]);
    expect(snapshot).toBeDefined();
    const config = snapshot!;
    expect(config.server).toEqual({ host: '127.0.0.1', port: 8090, websocket: true, bodyLimitBytes: 32 * 1024 * 1024, upstreamBodyLimitBytes: 32 * 1024 * 1024, requestTimeoutMs: 30_000, sendTimeoutMs: 60_000, keepAliveTimeoutMs: 75_000, drainTimeoutMs: 30_000 });
    expect(config.providers.get('deepseek')).toEqual({
      name: 'deepseek',
      format: 'openai-chat',
      baseUrl: 'https://api.deepseek.com',
      baseQuery: '',
      apiKey: 'sk-test',
      apiKeyEnv: 'DEEPSEEK_API_KEY',
      headers: {},
      timeouts: { connectMs: 10_000, queueMs: 10_000, firstByteMs: 120_000, idleMs: 300_000 },
      retry: { maxRetries: 1, backoffMs: 250 },
      maxConnections: 512,
      maxPending: 256,
      maxTokensField: 'max_tokens',
      sendsPromptCacheKey: true,
      redactSecrets: expect.any(Function),
    });
    expect(config.providers.get('mock')?.baseUrl).toBe('');
    expect(config.traces).toEqual({
      enabled: true,
      dir: path.join(dir, 'traces'),
      root: dir,
      capture: 'full',
      maxBodyBytes: 1024 * 1024,
      maxFileBytes: 100 * 1024 * 1024,
      rotateEvery: 'daily',
      maxFiles: 30,
      maxAgeDays: 30,
      gzip: false,
    });
    const alice = config.keysBySha256.get(sha256('sb-test-alice'));
    expect(alice).toEqual({ name: 'alice', sha256: sha256('sb-test-alice'), profile: 'team', allowedProfiles: ['team'], role: 'client', disabled: false, limits: {}, line: 9 });
    expect(config.ui).toEqual({ enabled: false, sessionMs: 720 * 60_000, indexMaxRequests: 1_000_000 });
    expect(config.otel).toBeUndefined();
    expect(config.keysByName.get('alice')).toBe(alice);
    expect(config.version).toMatch(/^[0-9a-f]{12}$/);
    expect(config.contentHash).toBe(config.version);
    expect(config.commit).toBeUndefined();
    expect(config.dir).toBe(dir);
    expect(Number.isNaN(Date.parse(config.loadedAt))).toBe(false);

    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.server)).toBe(true);
    expect(Object.isFrozen(config.source.gateway.providers)).toBe(true);
    expect(() => (config.providers as Map<string, unknown>).set('x', {})).toThrow(TypeError);
    expect(() => {
      (config.server as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('compiles profiles for resolveRoute: exact index, regexes, captures, allowed profiles', async () => {
    const dir = await writeConfigDir({
      ...validFiles,
      'gateway.yaml': `${validFiles['gateway.yaml']}    profiles: [demo]\n`,
      'profiles/demo.yml': 'rules: []\ndefault: [mock/echo, mock/second]\n',
    });
    const { snapshot, problems } = await loadConfig(dir, { env: testEnv });
    expect(problems).toEqual([]);
    const team = snapshot!.profiles.get('team')!;
    expect(team.file).toBe(path.join(dir, 'profiles/team.yaml'));
    expect([...team.firstExactRule]).toEqual([['claude-sonnet-4-5', 0]]);
    expect(team.rules[1]?.regex).toBeInstanceOf(ModelPattern);
    // Lines for the console's links to the file.
    expect(team.rules.map((rule) => rule.line)).toEqual([2, 4]);
    expect(snapshot!.profiles.get('demo')!.defaultLine).toBe(2);
    expect(resolveRoute(team, 'claude-opus-4-1')?.targets).toEqual([{ provider: 'mock', model: 'opus-4-1' }]);
    expect(resolveRoute(snapshot!.profiles.get('demo')!, 'anything')?.targets).toEqual([
      { provider: 'mock', model: 'echo' },
      { provider: 'mock', model: 'second' },
    ]);
    expect(snapshot!.keysByName.get('alice')?.allowedProfiles).toEqual(['team', 'demo']);
  });

  it('resolves header env references and leaves out headers whose variable is unset', async () => {
    const gateway = validFiles['gateway.yaml'].replace('    api_key:', '    headers:\n      x-team: team-${TEAM}\n      x-region: ${REGION}\n    api_key:');
    const dir = await writeConfigDir({ ...validFiles, 'gateway.yaml': gateway });
    const { snapshot, problems } = await loadConfig(dir, { env: { ...testEnv, TEAM: 'platform' } });
    expect(problems.map((problem) => `${problem.line}:${problem.column} ${problem.severity} ${problem.code}`)).toEqual(['9:17 warning CFG_ENV_UNSET']);
    expect(snapshot!.providers.get('deepseek')?.headers).toEqual({ 'x-team': 'team-platform' });
  });

  it('returns no snapshot when there is an error, and problems sorted by file and position', async () => {
    const dir = await writeConfigDir({
      'gateway.yaml': `${validFiles['gateway.yaml']}    disabled: no\n`,
      'profiles/team.yaml': 'rules:\n  - model: a\n    to: nowhere/x\n  - modle: b\n    to: mock/b\n',
      'profiles/alpha.yaml': 'rules: []\nrouting: {}\n',
    });
    const { snapshot, problems } = await loadConfig(dir, { env: testEnv });
    expect(snapshot).toBeUndefined();
    expect(problems.map((problem) => `${problem.file}:${problem.line}:${problem.column} ${problem.code}`)).toEqual([
      'gateway.yaml:12:15 CFG_INVALID_TYPE',
      'profiles/alpha.yaml:2:1 CFG_UNKNOWN_FIELD',
      'profiles/team.yaml:4:5 CFG_UNKNOWN_FIELD',
    ]);
  });

  it('reports a missing folder instead of throwing', async () => {
    const { snapshot, problems } = await loadConfig('/nonexistent/switchboard-config');
    expect(snapshot).toBeUndefined();
    expect(problems).toEqual([expect.objectContaining({ code: 'CFG_READ_FAILED', file: '.', line: 1, column: 1 })]);
  });

  it('reads through a swapped symlink and versions each revision by content', async () => {
    const root = await writeConfigDir({});
    const first = await writeConfigDir(validFiles);
    const second = await writeConfigDir({ ...validFiles, 'profiles/team.yaml': `${validFiles['profiles/team.yaml']}description: second\n` });
    await symlink(first, path.join(root, 'config'));
    const before = await loadConfig(path.join(root, 'config'), { env: testEnv });
    // The atomic swap git-sync and the kubelet do: a new link renamed over the old one.
    await symlink(second, path.join(root, 'config.next'));
    await rename(path.join(root, 'config.next'), path.join(root, 'config'));
    const after = await loadConfig(path.join(root, 'config'), { env: testEnv });
    expect(before.snapshot?.version).not.toBe(after.snapshot?.version);
    expect(after.snapshot?.source.profiles.get('team')?.description).toBe('second');
    expect(after.snapshot?.dir).toBe(path.join(root, 'config'));
  });

  it('follows a symlinked profiles/ folder', async () => {
    const dir = await writeConfigDir({ 'gateway.yaml': validFiles['gateway.yaml'] });
    const profiles = await writeConfigDir({ 'team.yaml': validFiles['profiles/team.yaml'] });
    await symlink(profiles, path.join(dir, 'profiles'));
    const { snapshot, problems } = await loadConfig(dir, { env: testEnv });
    expect(problems).toEqual([]);
    expect([...snapshot!.profiles.keys()]).toEqual(['team']);
  });

  it('adds the git commit to the version of a config inside a git work tree', async () => {
    const { snapshot } = await loadConfig(packageRoot, { env: { ANTHROPIC_API_KEY: 'a', DEEPSEEK_API_KEY: 'd', OPENAI_API_KEY: 'o' } });
    expect(snapshot?.commit).toMatch(/^[0-9a-f]{4,40}$/);
    expect(snapshot?.version).toBe(`${snapshot?.contentHash}@${snapshot?.commit}`);
  });

  it('reloads the shipped config well under 100 ms once the schemas are compiled', async () => {
    await loadConfig(packageRoot);
    const started = performance.now();
    const { snapshot } = await loadConfig(packageRoot);
    expect(snapshot).toBeDefined();
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('reports an unreadable profile entry without dropping the others', async () => {
    const dir = await writeConfigDir(validFiles);
    await mkdir(path.join(dir, 'profiles/broken.yaml'));
    await cp(path.join(dir, 'profiles/team.yaml'), path.join(dir, 'profiles/other.yaml'));
    await writeFile(path.join(dir, 'profiles/.team.yaml.swp'), 'not yaml: [');
    const { problems } = await loadConfig(dir, { env: testEnv });
    expect(problems.map((problem) => `${problem.file} ${problem.code}`)).toEqual(['profiles/broken.yaml CFG_READ_FAILED']);
  });
});
