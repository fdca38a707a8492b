import type { DataPath } from './yaml-positions.js';

/** Which kind of file a path points into. */
export type ConfigFileKind = 'gateway' | 'profile';

/**
 * Names the place a path points at the way a reader of the YAML thinks of
 * it: `provider "deepseek"`, `timeouts of provider "deepseek"`, `rule 3`.
 */
export function describePath(kind: ConfigFileKind, path: DataPath): string {
  const [head, second, ...rest] = path;
  let owner: string;
  let inner: readonly (string | number)[];
  if (head === undefined) return kind === 'gateway' ? 'gateway.yaml' : 'the profile';
  if (second !== undefined && (head === 'providers' || head === 'keys')) {
    owner = `${head === 'providers' ? 'provider' : 'key'} "${second}"`;
    inner = rest;
  } else if (typeof second === 'number' && (head === 'rules' || head === 'tests')) {
    owner = `${head === 'rules' ? 'rule' : 'routing test'} ${second + 1}`;
    inner = rest;
  } else {
    return path.map(String).join('.');
  }
  return inner.length === 0 ? owner : `${inner.map(String).join('.')} of ${owner}`;
}
