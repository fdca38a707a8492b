import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { configProblem, type ConfigProblem } from './config-problem.js';

/** One file of the config folder as read from disk. */
export interface ConfigSourceFile {
  /** Path relative to the config folder, with `/` separators: `gateway.yaml`, `profiles/team.yaml`. */
  file: string;
  content: string;
  /** Profile name (the file name without extension) for files under `profiles/`. */
  profile?: string;
}

export interface ConfigFolder {
  /** The real path the folder resolved to for this read; absent when it does not exist. */
  root?: string;
  /** The gateway file first, then profiles sorted by name. Missing files are absent. */
  files: ConfigSourceFile[];
  problems: ConfigProblem[];
}

const profileExtension = /\.ya?ml$/;
const maxAttempts = 3;
/**
 * A hand-written profile is a few KiB; a 470 KB one took 30 s to check. Larger files are refused
 * unread, so a pull request cannot make every reload (and `check`) that slow.
 */
const maxConfigFileBytes = 256 * 1024;

/**
 * Reads `gateway.yaml` and `profiles/*.yaml` as one consistent revision.
 * Kubernetes ConfigMaps and git-sync publish a new revision by swapping a
 * symlink (`..data`, or the folder itself). Every path is resolved to its real
 * target once, all files are read from those targets, and the resolution is
 * repeated afterwards: if a swap happened mid-read, the read starts over, so
 * one load never mixes two revisions.
 */
export async function readConfigFolder(dir: string): Promise<ConfigFolder> {
  let folder: ConfigFolder = { files: [], problems: [] };
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const before = await resolveTree(dir);
    if (before.root === undefined) {
      return { files: [], problems: [configProblem('CFG_READ_FAILED', '.', { line: 1, column: 1 }, `config folder "${dir}" does not exist or cannot be read`)] };
    }
    folder = { root: before.root, ...(await readResolvedTree(before)) };
    const after = await resolveTree(dir);
    if (sameTree(before, after)) return folder;
  }
  return folder;
}

interface ResolvedTree {
  root?: string;
  gateway?: string;
  profiles?: string;
}

async function resolveTree(dir: string): Promise<ResolvedTree> {
  const [root, gateway, profiles] = await Promise.all([
    realpathOrUndefined(dir),
    realpathOrUndefined(path.join(dir, 'gateway.yaml')),
    realpathOrUndefined(path.join(dir, 'profiles')),
  ]);
  return { ...(root && { root }), ...(gateway && { gateway }), ...(profiles && { profiles }) };
}

function sameTree(a: ResolvedTree, b: ResolvedTree): boolean {
  return a.root === b.root && a.gateway === b.gateway && a.profiles === b.profiles;
}

async function readResolvedTree(tree: ResolvedTree): Promise<ConfigFolder> {
  const problems: ConfigProblem[] = [];
  const files: ConfigSourceFile[] = [];
  if (tree.gateway === undefined) {
    problems.push(configProblem('CFG_FILE_MISSING', 'gateway.yaml', { line: 1, column: 1 }, 'the config folder has no gateway.yaml'));
  } else {
    const content = await readOrReport(tree.gateway, 'gateway.yaml', problems);
    if (content !== undefined) files.push({ file: 'gateway.yaml', content });
  }
  if (tree.profiles !== undefined) files.push(...(await readProfiles(tree.profiles, problems)));
  return { files, problems };
}

async function readProfiles(profilesDir: string, problems: ConfigProblem[]): Promise<ConfigSourceFile[]> {
  let names: string[];
  try {
    names = await readdir(profilesDir);
  } catch (error) {
    problems.push(configProblem('CFG_READ_FAILED', 'profiles', { line: 1, column: 1 }, `cannot list profiles/: ${errorText(error)}`));
    return [];
  }
  // Hidden entries are editor swap files and the `..data` links of a ConfigMap mount.
  const profileFiles = names.filter((name) => profileExtension.test(name) && !name.startsWith('.')).sort();
  const seen = new Map<string, string>();
  const files: ConfigSourceFile[] = [];
  for (const name of profileFiles) {
    const profile = name.replace(profileExtension, '');
    const file = `profiles/${name}`;
    const earlier = seen.get(profile);
    if (earlier !== undefined) {
      problems.push(configProblem('CFG_DUPLICATE_PROFILE_FILE', file, { line: 1, column: 1 }, `profile "${profile}" is defined twice, by ${earlier} and ${file}; keep one`));
      continue;
    }
    seen.set(profile, file);
    const real = await realpathOrUndefined(path.join(profilesDir, name));
    if (real === undefined) {
      problems.push(configProblem('CFG_READ_FAILED', file, { line: 1, column: 1 }, `cannot read ${file}: it is a broken symbolic link`));
      continue;
    }
    // A ConfigMap's `..data` links stay inside the folder; a link out of it (to a dotenv, a key file) is not read.
    if (!isInside(profilesDir, real)) {
      problems.push(configProblem('CFG_LINK_OUTSIDE', file, { line: 1, column: 1 }, `${file} is a symbolic link to a file outside profiles/; it is not read (profiles are files of the folder itself)`));
      continue;
    }
    const content = await readOrReport(real, file, problems);
    if (content !== undefined) files.push({ file, content, profile });
  }
  return files;
}

async function readOrReport(absolutePath: string, file: string, problems: ConfigProblem[]): Promise<string | undefined> {
  try {
    const { size } = await stat(absolutePath);
    if (size > maxConfigFileBytes) {
      problems.push(
        configProblem('CFG_FILE_TOO_LARGE', file, { line: 1, column: 1 }, `${file} is ${Math.ceil(size / 1024)} KiB; a config file may be at most ${maxConfigFileBytes / 1024} KiB (split the rules, or use regex rules), so it is not read`),
      );
      return undefined;
    }
    return await readFile(absolutePath, 'utf8');
  } catch (error) {
    problems.push(configProblem('CFG_READ_FAILED', file, { line: 1, column: 1 }, `cannot read ${file}: ${errorText(error)}`));
    return undefined;
  }
}

async function realpathOrUndefined(target: string): Promise<string | undefined> {
  try {
    return await realpath(target);
  } catch {
    return undefined;
  }
}

/** Whether `target` is `folder` or below it (`..data` inside the folder counts as inside). */
function isInside(folder: string, target: string): boolean {
  const relative = path.relative(folder, target);
  return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
