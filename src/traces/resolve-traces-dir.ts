import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * The traces folder a CLI command reads: `--traces-dir` as given, else
 * `traces.dir` of `<config-dir>/gateway.yaml` (relative to the config
 * folder, default `traces`). Only that one field is read, so a config with
 * errors elsewhere still lets you read its traces.
 */
export async function resolveTracesDir(options: { configDir?: string | undefined; tracesDir?: string | undefined }): Promise<string> {
  if (options.tracesDir !== undefined) return path.resolve(options.tracesDir);
  const configDir = path.resolve(options.configDir ?? '.');
  let text: string | undefined;
  try {
    text = await readFile(path.join(configDir, 'gateway.yaml'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const configured = text === undefined ? undefined : tracesDirOf(parse(text) as unknown);
  return path.resolve(configDir, configured ?? 'traces');
}

function tracesDirOf(gateway: unknown): string | undefined {
  if (typeof gateway !== 'object' || gateway === null) return undefined;
  const traces = (gateway as { traces?: unknown }).traces;
  if (typeof traces !== 'object' || traces === null) return undefined;
  const dir = (traces as { dir?: unknown }).dir;
  return typeof dir === 'string' && dir !== '' ? dir : undefined;
}
