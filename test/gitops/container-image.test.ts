import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/gateway-under-test.js';

// Docker cannot build or run here; these tests read the Dockerfile and compose file as text and YAML.

interface Instruction {
  keyword: string;
  text: string;
}

/** Dockerfile instructions with line continuations joined and comments dropped. */
function instructions(dockerfile: string): Instruction[] {
  const joined = dockerfile.replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), text: rest.join(' ') };
    });
}

let all: Instruction[];
let finalStage: Instruction[];

beforeAll(async () => {
  all = instructions(await readFile(path.join(repoRoot, 'Dockerfile'), 'utf8'));
  const lastFrom = all.map((instruction) => instruction.keyword).lastIndexOf('FROM');
  finalStage = all.slice(lastFrom);
});

function last(keyword: string, within = finalStage): Instruction {
  const found = within.filter((instruction) => instruction.keyword === keyword).at(-1);
  expect(found, keyword).toBeDefined();
  return found!;
}

describe('Dockerfile', () => {
  it('is multi-stage on a Node 22 or 24 LTS base', () => {
    const froms = all.filter((instruction) => instruction.keyword === 'FROM');
    expect(froms.length).toBeGreaterThanOrEqual(2);
    const version = /^NODE_VERSION=(\d+)$/.exec(last('ARG', all.slice(0, 1)).text)?.[1];
    expect(['22', '24']).toContain(version);
    for (const from of froms) expect(from.text).toMatch(/^node:\$\{NODE_VERSION\}-alpine AS \w+$/);
  });

  it('runs as a numeric non-root user', () => {
    const user = last('USER').text.split(':')[0]!;
    expect(user).toMatch(/^\d+$/);
    expect(Number(user)).toBeGreaterThan(0);
  });

  it('checks /healthz on the port it serves and exposes', () => {
    const healthcheck = last('HEALTHCHECK').text;
    const port = last('EXPOSE').text;
    expect(healthcheck).toContain(`http://127.0.0.1:${port}/healthz`);
    const command = JSON.parse(last('CMD').text) as string[];
    expect(command.slice(0, 1)).toEqual(['serve']);
    expect(command[command.indexOf('--port') + 1]).toBe(port);
    expect(command[command.indexOf('--host') + 1]).toBe('0.0.0.0');
    expect(JSON.parse(last('ENTRYPOINT').text)).toEqual(['node', '/app/bin/switchboard.js']);
  });

  it('keeps the keyless admin listener on the container loopback, on a port it does not expose', () => {
    const command = JSON.parse(last('CMD').text) as string[];
    expect(command[command.indexOf('--admin-host') + 1]).toBe('127.0.0.1');
    const adminPort = command[command.indexOf('--admin-port') + 1];
    expect(adminPort).toMatch(/^\d+$/);
    expect(finalStage.filter((instruction) => instruction.keyword === 'EXPOSE').map((instruction) => instruction.text)).not.toContain(adminPort);
  });

  it('copies into the runtime stage only what the CLI loads, with production dependencies', () => {
    const copies = finalStage.filter((instruction) => instruction.keyword === 'COPY').map((instruction) => instruction.text);
    expect(copies).toEqual(['--from=dependencies /app/node_modules ./node_modules', '--from=build /app/dist ./dist', 'package.json ./', 'bin ./bin', 'schema ./schema']);
    const install = all.find((instruction) => instruction.text.includes('npm ci --omit=dev'));
    expect(install).toBeDefined();
  });

  it('keeps the build context small without leaving out what the build copies', async () => {
    const ignored = (await readFile(path.join(repoRoot, '.dockerignore'), 'utf8')).split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    for (const entry of ['.git', 'node_modules', 'dist', 'traces', 'test']) expect(ignored).toContain(entry);
    for (const needed of ['src', 'scripts', 'bin', 'schema', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) expect(ignored).not.toContain(needed);
  });
});

describe('docker-compose.yml', () => {
  type Service = Record<string, unknown> & { volumes?: string[]; depends_on?: Record<string, { condition: string }> };
  let services: Record<string, Service>;
  let volumes: Record<string, unknown>;

  beforeAll(async () => {
    const compose = parse(await readFile(path.join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
    services = compose.services;
    volumes = compose.volumes;
  });

  it('starts the gateway after the first sync, on the same config layout as Kubernetes', () => {
    const gateway = services.switchboard!;
    expect(gateway.depends_on).toEqual({ 'git-sync-init': { condition: 'service_completed_successfully' }, redis: { condition: 'service_started' } });
    expect(services['git-sync-init']!.command).toEqual(['--one-time']);
    const script = (gateway.command as string[]).join(' ');
    for (const entry of ['gateway.yaml', 'profiles', '.git']) expect(script).toContain(`/git/current/${entry} /etc/switchboard/${entry}`);
    expect(script).toContain('serve --config-dir /etc/switchboard --host 0.0.0.0 --port 8090');
    expect(gateway.volumes).toContain('traces:/etc/switchboard/traces');
  });

  it('publishes the admin listener on the host loopback only', () => {
    const gateway = services.switchboard!;
    const script = (gateway.command as string[]).join(' ');
    const adminPort = /--admin-port (\d+)/.exec(script)?.[1];
    expect(adminPort).toBeDefined();
    const published = (gateway.ports as string[]).filter((entry) => entry.endsWith(`:${adminPort}`));
    expect(published).toHaveLength(1);
    expect(published[0]).toMatch(/^127\.0\.0\.1:/);
  });

  it('declares every named volume it mounts, and ships the Vector config of the Kubernetes base', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const mount of service.volumes ?? []) {
        const source = mount.split(':')[0]!;
        if (source.startsWith('./')) expect(source).toBe('./deploy/kubernetes/vector.yaml');
        else expect(Object.keys(volumes), `${name}: ${mount}`).toContain(source);
      }
    }
  });

  it('runs the Redis the replicas share their limits and budgets through, on a volume', () => {
    expect(services.redis!.command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']));
    expect(services.redis!.volumes).toContain('redis-data:/data');
  });

  it('runs git-sync as the image user, so the gateway can read its worktrees', () => {
    expect(services['git-sync']!.user).toBe('1000:1000');
    expect(services['git-sync']!.environment).toMatchObject({ GITSYNC_ROOT: '/git', GITSYNC_LINK: 'current' });
  });
});
