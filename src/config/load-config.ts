import path from 'node:path';
import { checkGateway } from './check-gateway.js';
import { checkListedModels } from './check-listed-models.js';
import { checkProfile } from './check-profile.js';
import { checkRoutingTests } from './check-routing-tests.js';
import { checkSpend, type CheckedProfile } from './check-spend.js';
import { compileProfile, profileLines, type ProfileLines } from './compile-profile.js';
import { compileSnapshot, keyLines, type SnapshotInput } from './compile-snapshot.js';
import type { ConfigProblem } from './config-problem.js';
import { configVersion } from './config-version.js';
import { parseConfigFile, type ParsedConfigFile } from './parse-config-file.js';
import { readConfigFolder } from './read-config-folder.js';
import { schemaErrors } from './schema-validator.js';
import { schemaProblems, uniqueProblems } from './schema-problems.js';
import type { ConfigSnapshot } from './snapshot.js';
import type { GatewayFile, ProfileFile } from './types.js';

export type { ConfigProblem } from './config-problem.js';
export { formatProblems } from './format-problems.js';

export interface LoadOptions {
  /** Unset `${ENV}` references are errors, not warnings. */
  strict?: boolean;
  /** Where `${ENV}` references are read from; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
}

export interface LoadResult {
  /** Present exactly when no problem is an error. */
  snapshot?: ConfigSnapshot;
  /** Errors and warnings, ordered by file, line and column. */
  problems: ConfigProblem[];
  /** What was checked, for `switchboard check`'s summary. */
  stats: LoadStats;
}

export interface LoadStats {
  files: number;
  providers: number;
  keys: number;
  profiles: number;
  routingTestsPassed: number;
  routingTestsFailed: number;
}

/** The config folder checked but not yet compiled: plain data, so a worker thread can hand it over. */
export interface CheckedConfig {
  /** Present exactly when no problem is an error. */
  input?: Omit<SnapshotInput, 'env'>;
  problems: ConfigProblem[];
  stats: LoadStats;
}

/**
 * Reads, validates and compiles the config folder (`gateway.yaml` and
 * `profiles/*.yaml`). Every problem found is reported at once, each with its
 * file, line and column; only a folder without errors yields a snapshot.
 * Never throws for anything wrong with the files themselves.
 */
export async function loadConfig(dir: string, options: LoadOptions = {}): Promise<LoadResult> {
  return compileChecked(await checkConfigFolder(dir, options), options);
}

/** The snapshot of a checked folder (compiling is quick: regexes, maps, `${ENV}` values). */
export function compileChecked(checked: CheckedConfig, options: LoadOptions = {}): LoadResult {
  const { input, problems, stats } = checked;
  if (!input) return { problems, stats };
  return { snapshot: compileSnapshot({ ...input, env: options.env ?? process.env }), problems, stats };
}

/**
 * Everything `loadConfig` does but the final compile: reading, parsing, schema and semantic checks,
 * routing tests. This is the slow part (YAML parsing, rule checks), and the part a worker thread runs.
 */
export async function checkConfigFolder(dir: string, options: LoadOptions = {}): Promise<CheckedConfig> {
  const env = options.env ?? process.env;
  const strict = options.strict ?? false;
  const absoluteDir = path.resolve(dir);
  const folder = await readConfigFolder(absoluteDir);
  const problems: ConfigProblem[] = [...folder.problems];
  const stats: LoadStats = { files: folder.files.length, providers: 0, keys: 0, profiles: 0, routingTestsPassed: 0, routingTestsFailed: 0 };

  const gatewaySource = folder.files.find((file) => file.profile === undefined);
  const gatewayFile = gatewaySource && parseConfigFile(gatewaySource.file, gatewaySource.content);
  const gateway = gatewayFile && validated<GatewayFile>(gatewayFile, 'gateway', problems);
  const profileFiles = folder.files.filter((file) => file.profile !== undefined);
  const profileNames = new Set(profileFiles.map((file) => file.profile!));
  const providerNames = providerNamesOf(gateway ?? gatewayFile?.data);

  if (gatewayFile && gateway) {
    problems.push(...checkGateway(gatewayFile, gateway, profileNames, { env, strict }));
    stats.providers = Object.keys(gateway.providers).length;
    stats.keys = Object.keys(gateway.keys).length;
  }
  const profiles = new Map<string, { file: string; profile: ProfileFile; lines: ProfileLines }>();
  const checkedProfiles = new Map<string, CheckedProfile>();
  for (const source of profileFiles) {
    const parsed = parseConfigFile(source.file, source.content);
    const profile = validated<ProfileFile>(parsed, 'profile', problems);
    if (!profile) continue;
    const check = checkProfile(parsed, profile, providerNames);
    problems.push(...check.problems);
    if (!check.compilable) continue;
    profiles.set(source.profile!, { file: source.file, profile, lines: profileLines(parsed, profile) });
    const compiled = compileProfile(source.profile!, path.join(absoluteDir, source.file), profile);
    problems.push(...checkListedModels(parsed, profile, compiled));
    checkedProfiles.set(source.profile!, { parsed, profile, compiled });
    const tests = checkRoutingTests(parsed, profile, compiled);
    problems.push(...tests.problems);
    stats.routingTestsPassed += tests.passed;
    stats.routingTestsFailed += tests.problems.length;
  }
  stats.profiles = profileNames.size;
  if (gatewayFile && gateway) problems.push(...checkSpend(gatewayFile, gateway, checkedProfiles));

  const sorted = sortProblems(uniqueProblems(problems));
  if (!gateway || sorted.some((problem) => problem.severity === 'error')) return { problems: sorted, stats };
  const version = await configVersion(folder.files, folder.root ?? absoluteDir);
  return { input: { dir: absoluteDir, gateway, profiles, ...(gatewayFile && { keyLines: keyLines(gatewayFile, gateway) }), version }, problems: sorted, stats };
}

/** The file's data when it parsed and matches its schema; otherwise undefined, with the problems recorded. */
function validated<T>(parsed: ParsedConfigFile, kind: 'gateway' | 'profile', problems: ConfigProblem[]): T | undefined {
  problems.push(...parsed.problems);
  if (parsed.problems.some((problem) => problem.severity === 'error')) return undefined;
  const errors = schemaErrors(kind, parsed.data);
  if (errors.length === 0) return parsed.data as T;
  problems.push(...schemaProblems(parsed, kind, errors));
  return undefined;
}

/**
 * Provider names for checking targets, even when gateway.yaml has a schema
 * problem elsewhere: a typo in one provider should not hide a wrong target.
 */
function providerNamesOf(data: unknown): ReadonlySet<string> | undefined {
  if (typeof data !== 'object' || data === null || !('providers' in data)) return undefined;
  const providers = (data as { providers: unknown }).providers;
  if (typeof providers !== 'object' || providers === null || Array.isArray(providers)) return undefined;
  return new Set(Object.keys(providers));
}

function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  const fileRank = (file: string) => (file === 'gateway.yaml' ? '' : file);
  return [...problems].sort((a, b) => fileRank(a.file).localeCompare(fileRank(b.file)) || a.line - b.line || a.column - b.column);
}
