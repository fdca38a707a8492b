import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { currentTraceFile, rotatedTraceFileName } from '../../src/traces/trace-files.js';
import { repoRoot, startInProcess } from '../helpers/gateway-under-test.js';
import { baseConfig, makeTempDir, writeConfig } from '../helpers/test-config.js';
import { commandAvailable } from './gitops-test-kit.js';

// kubeconform and kubectl's server-side validation are not available offline; these tests check the
// structure the gateway depends on, and `kubectl kustomize` builds the base when kubectl is installed.

type Manifest = Record<string, any>;

const kubernetesDir = path.join(repoRoot, 'deploy/kubernetes');
const podLabels = { 'app.kubernetes.io/name': 'switchboard', 'app.kubernetes.io/component': 'gateway' };

let kustomization: Manifest;
let manifests: Manifest[];
let deployment: Manifest;
let pod: Manifest;
let gatewayContainer: Manifest;

beforeAll(async () => {
  kustomization = parse(await readFile(path.join(kubernetesDir, 'kustomization.yaml'), 'utf8')) as Manifest;
  manifests = [];
  for (const file of kustomization.resources as string[]) {
    for (const document of parseAllDocuments(await readFile(path.join(kubernetesDir, file), 'utf8'))) {
      expect(document.errors, file).toEqual([]);
      manifests.push(document.toJS() as Manifest);
    }
  }
  deployment = byKind('Deployment');
  pod = deployment.spec.template.spec;
  gatewayContainer = pod.containers.find((container: Manifest) => container.name === 'switchboard');
});

/** The gateway's own manifest of a kind (the limit store's Redis has a Service too). */
function byKind(kind: string): Manifest {
  const found = manifests.filter((manifest) => manifest.kind === kind && manifest.metadata.name === 'switchboard');
  expect(found, kind).toHaveLength(1);
  return found[0]!;
}

function allContainers(): Manifest[] {
  return [...(pod.initContainers ?? []), ...pod.containers];
}

function argValue(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index < 0 ? undefined : args[index + 1];
}

describe('kustomize base', () => {
  it('lists every file of the folder, as a resource or a generator input', async () => {
    const listed = new Set<string>(['kustomization.yaml', ...kustomization.resources]);
    for (const generator of kustomization.configMapGenerator ?? []) {
      for (const entry of generator.files ?? []) listed.add(String(entry).split('=').at(-1)!);
    }
    const files = (await readdir(kubernetesDir)).filter((name) => /\.ya?ml$/.test(name));
    expect(files.sort()).toEqual([...listed].sort());
  });

  it('has the expected kinds with their stable apiVersions', () => {
    const gateway = manifests.filter((manifest) => manifest.metadata.name === 'switchboard');
    expect(gateway.map((manifest) => `${manifest.apiVersion} ${manifest.kind}`).sort()).toEqual(['apps/v1 Deployment', 'networking.k8s.io/v1 NetworkPolicy', 'policy/v1 PodDisruptionBudget', 'v1 Service']);
    for (const manifest of gateway) expect(manifest.metadata.labels).toMatchObject(podLabels);
    const store = manifests.filter((manifest) => manifest.metadata.name === 'switchboard-redis');
    expect(store.map((manifest) => `${manifest.apiVersion} ${manifest.kind}`).sort()).toEqual(['apps/v1 StatefulSet', 'networking.k8s.io/v1 NetworkPolicy', 'v1 Service']);
  });

  it('runs one Redis for the shared limits, on a volume, never evicting counters, as non-root', () => {
    const statefulSet = manifests.find((manifest) => manifest.kind === 'StatefulSet')!;
    const service = manifests.find((manifest) => manifest.kind === 'Service' && manifest.metadata.name === 'switchboard-redis')!;
    const container = statefulSet.spec.template.spec.containers[0];
    expect(container.args).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']));
    expect(container.volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
    expect(statefulSet.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
    expect(statefulSet.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(container.resources.limits.memory).toBeDefined();
    for (const [label, value] of Object.entries(service.spec.selector as Record<string, string>)) expect(statefulSet.spec.template.metadata.labels[label]).toBe(value);
    expect(service.spec.ports[0]).toMatchObject({ port: 6379, targetPort: 'redis' });
    // Only the gateway pods may reach the counters.
    const policy = manifests.find((manifest) => manifest.kind === 'NetworkPolicy' && manifest.metadata.name === 'switchboard-redis')!;
    expect(policy.spec.podSelector.matchLabels).toEqual(service.spec.selector);
    expect(policy.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'switchboard', 'app.kubernetes.io/component': 'gateway' } } }], ports: [{ port: 'redis', protocol: 'TCP' }] }]);
  });

  it('builds with kubectl kustomize, generated ConfigMap names substituted', (context) => {
    if (!commandAvailable('kubectl', ['version', '--client'])) return context.skip();
    const output = execFileSync('kubectl', ['kustomize', kubernetesDir], { encoding: 'utf8' });
    const built = parseAllDocuments(output).map((document) => document.toJS() as Manifest);
    const configMaps = built.filter((manifest) => manifest.kind === 'ConfigMap').map((manifest) => manifest.metadata.name as string);
    expect(configMaps).toHaveLength(2);
    const builtDeployment = built.find((manifest) => manifest.kind === 'Deployment')!;
    const text = JSON.stringify(builtDeployment);
    for (const name of configMaps) expect(text).toContain(`"${name}"`);
    expect(builtDeployment.spec.template.spec.containers[0].image).toMatch(/^ghcr\.io\/.+\/switchboard:/);
  });
});

describe('Deployment', () => {
  it('runs several replicas and never goes below them during a rollout', () => {
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });

  it('selects its own pods, and the Service and the PodDisruptionBudget select the same pods', () => {
    const selectsPods = (selector: Record<string, string>): void => {
      expect(Object.keys(selector).length).toBeGreaterThan(0);
      for (const [label, value] of Object.entries(selector)) expect(deployment.spec.template.metadata.labels[label]).toBe(value);
    };
    selectsPods(deployment.spec.selector.matchLabels);
    selectsPods(byKind('Service').spec.selector);
    selectsPods(byKind('PodDisruptionBudget').spec.selector.matchLabels);
    expect(byKind('PodDisruptionBudget').spec.maxUnavailable ?? 0).toBeLessThan(deployment.spec.replicas);
  });

  it('serves the config folder on the port the probes and the Service use', () => {
    const args = gatewayContainer.args as string[];
    expect(args[0]).toBe('serve');
    const port = Number(argValue(args, '--port'));
    expect(argValue(args, '--host')).toBe('0.0.0.0');
    const named = gatewayContainer.ports.find((entry: Manifest) => entry.name === 'http');
    expect(named.containerPort).toBe(port);
    expect(gatewayContainer.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(gatewayContainer.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(byKind('Service').spec.ports[0].targetPort).toBe('http');
  });

  it('serves /status and /metrics on an admin port that only the monitoring namespace reaches, and Prometheus is told where', () => {
    const args = gatewayContainer.args as string[];
    const adminPort = Number(argValue(args, '--admin-port'));
    expect(adminPort).not.toBe(Number(argValue(args, '--port')));
    expect(gatewayContainer.ports.find((entry: Manifest) => entry.name === 'admin').containerPort).toBe(adminPort);
    expect(byKind('Service').spec.ports.map((entry: Manifest) => entry.targetPort)).toEqual(['http']);
    expect(deployment.spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(adminPort), 'prometheus.io/path': '/metrics' });
    const policy = byKind('NetworkPolicy');
    expect(policy.spec.podSelector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    const rules = policy.spec.ingress as Manifest[];
    const reaching = (port: string): Manifest[] => rules.filter((rule) => rule.ports.some((entry: Manifest) => entry.port === port));
    expect(reaching('http').every((rule) => rule.from === undefined)).toBe(true);
    expect(reaching('admin')).toHaveLength(1);
    expect(reaching('admin')[0]!.from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }]);
  });

  it('mounts the traces volume where traces.dir (default `traces`) resolves inside the config folder', () => {
    const configDir = argValue(gatewayContainer.args, '--config-dir')!;
    const mounts = new Map<string, Manifest>(gatewayContainer.volumeMounts.map((mount: Manifest) => [mount.mountPath, mount]));
    expect(mounts.get(configDir)?.readOnly).toBe(true);
    expect(mounts.get(path.posix.join(configDir, 'traces'))?.name).toBe('traces');
    const vector = pod.containers.find((container: Manifest) => container.name === 'vector');
    expect(vector.volumeMounts.find((mount: Manifest) => mount.name === 'traces')).toMatchObject({ mountPath: '/traces', readOnly: true });
  });

  it('links the config folder into git-sync\'s current worktree, first synced by an init container', () => {
    const configDir = argValue(gatewayContainer.args, '--config-dir')!;
    const initNames = pod.initContainers.map((container: Manifest) => container.name);
    expect(initNames).toEqual(['git-sync-init', 'config-view']);
    expect(pod.initContainers[0].args).toContain('--one-time');
    const script = (pod.initContainers[1].command as string[]).join(' ');
    for (const entry of ['gateway.yaml', 'profiles', '.git']) expect(script).toContain(`/git/current/${entry} ${configDir}/${entry}`);
    const generated = kustomization.configMapGenerator.find((generator: Manifest) => generator.name === 'switchboard-git-sync');
    const settings = Object.fromEntries((generated.literals as string[]).map((literal) => literal.split(/=(.*)/s).slice(0, 2)));
    expect(settings).toMatchObject({ GITSYNC_ROOT: '/git', GITSYNC_LINK: 'current', GITSYNC_REF: 'main' });
    const sidecar = pod.containers.find((container: Manifest) => container.name === 'git-sync');
    expect(sidecar.envFrom[0].configMapRef.name).toBe('switchboard-git-sync');
  });

  it('takes provider credentials from a Secret as environment variables', () => {
    expect(gatewayContainer.envFrom).toContainEqual({ secretRef: { name: 'switchboard-provider-keys' } });
    expect(JSON.stringify(deployment)).not.toMatch(/sk-|api_key:/i);
  });

  it('runs every container as non-root, without privilege escalation, on a read-only root', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    for (const container of allContainers()) {
      expect(container.securityContext, container.name).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    }
  });

  it('sets resource requests and a memory limit on every container', () => {
    for (const container of allContainers()) {
      expect(container.resources.requests.cpu, container.name).toBeDefined();
      expect(container.resources.requests.memory, container.name).toBeDefined();
      expect(container.resources.limits.memory, container.name).toBeDefined();
    }
  });

  it('waits longer than the drain deadline before killing a pod', () => {
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(30);
  });

  it('mounts only volumes it declares, and references only ConfigMaps the kustomization generates', () => {
    const declared = new Set(pod.volumes.map((volume: Manifest) => volume.name));
    for (const container of allContainers()) for (const mount of container.volumeMounts ?? []) expect(declared, `${container.name} ${mount.name}`).toContain(mount.name);
    const generated = new Set(kustomization.configMapGenerator.map((generator: Manifest) => generator.name));
    for (const volume of pod.volumes) if (volume.configMap) expect(generated).toContain(volume.configMap.name);
  });
});

describe('probes answer on the paths the manifests use', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: Awaited<ReturnType<typeof startInProcess>>;
  beforeAll(async () => {
    temp = await makeTempDir();
    const config = baseConfig({}, { rules: [], default: 'mock/echo' });
    config.gateway.server = { host: '127.0.0.1', port: 0, admin: { host: '127.0.0.1', port: 0 } };
    await writeConfig(temp.dir, config);
    gateway = await startInProcess(temp.dir);
  });
  afterAll(async () => {
    await gateway?.stop();
    await temp?.remove();
  });

  it('answers 200 on the readiness and liveness paths', async () => {
    for (const probe of [gatewayContainer.readinessProbe, gatewayContainer.livenessProbe]) {
      const response = await fetch(`${gateway.address}${probe.httpGet.path}`);
      expect(response.status, probe.httpGet.path).toBe(200);
    }
  });

  it('answers the scrape path on the admin listener without a key, and refuses it keyless on the client port', async () => {
    const path = deployment.spec.template.metadata.annotations['prometheus.io/path'];
    expect((await fetch(`${gateway.adminAddress}${path}`)).status).toBe(200);
    expect((await fetch(`${gateway.address}${path}`)).status).toBe(401);
  });
});

describe('Vector config', () => {
  it('reads the live and the rotated trace files, not the gzipped copies', async () => {
    const vector = parse(await readFile(path.join(kubernetesDir, 'vector.yaml'), 'utf8')) as Manifest;
    const source = vector.sources.switchboard_traces;
    expect(source.type).toBe('file');
    const matches = (patterns: string[], name: string): boolean => patterns.some((pattern) => globToRegex(path.posix.basename(pattern)).test(name) && pattern.startsWith('/traces/'));
    const rotated = rotatedTraceFileName('2026-11-24T07:00:00.000Z', '2026-11-24T08:00:00.000Z', 0);
    for (const name of [currentTraceFile, rotated]) expect(matches(source.include, name), name).toBe(true);
    expect(matches(source.exclude, `${rotated}.gz`)).toBe(true);
    expect(vector.transforms.trace_records.inputs).toEqual(['switchboard_traces']);
    expect(Object.values(vector.sinks as Record<string, Manifest>).every((sink) => sink.inputs.includes('trace_records'))).toBe(true);
  });
});

/** `*` and `?` of a file glob, as a whole-name regex. */
function globToRegex(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}
