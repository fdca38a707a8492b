import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { ConfigFileKind } from './describe-path.js';

/**
 * The generated schemas live in `schema/` at the package root, two levels
 * above this module both as `src/config/*.ts` (vitest) and `dist/config/*.js`.
 */
const schemaUrls: Record<ConfigFileKind, URL> = {
  gateway: new URL('../../schema/gateway.schema.json', import.meta.url),
  profile: new URL('../../schema/profile.schema.json', import.meta.url),
};

let validators: Record<ConfigFileKind, ValidateFunction> | undefined;

/**
 * Validates parsed YAML data against the generated JSON Schema and returns
 * every error (not just the first). The schemas are compiled on first use and
 * kept for the life of the process, so a hot reload costs no compile.
 */
export function schemaErrors(kind: ConfigFileKind, data: unknown): ErrorObject[] {
  validators ??= compileValidators();
  const validate = validators[kind];
  return validate(data) ? [] : [...(validate.errors ?? [])];
}

function compileValidators(): Record<ConfigFileKind, ValidateFunction> {
  // verbose keeps parentSchema on each error, which holds the field names that "did you mean" picks from.
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
  // Only http(s) base URLs make sense for a provider; ajv-formats would also accept `urn:` and friends.
  ajv.addFormat('uri', (value: string) => /^https?:\/\//i.test(value) && URL.canParse(value));
  return {
    gateway: ajv.compile(readSchema('gateway')),
    profile: ajv.compile(readSchema('profile')),
  };
}

function readSchema(kind: ConfigFileKind): object {
  return JSON.parse(readFileSync(schemaUrls[kind], 'utf8')) as object;
}
