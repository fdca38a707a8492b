import type { ErrorObject } from 'ajv';
import { configProblem, type ConfigProblem } from './config-problem.js';
import { describePath, type ConfigFileKind } from './describe-path.js';
import { closestName, didYouMean } from './did-you-mean.js';
import type { ParsedConfigFile } from './parse-config-file.js';
import { positionOf, type DataPath } from './yaml-positions.js';

/**
 * Turns ajv errors into problems a person can act on: each lands on the YAML
 * node it is about (the offending key for an unknown field, the parent for a
 * missing one), says what is wrong in the file's own terms, and appears once
 * even when several schema branches reported it.
 */
export function schemaProblems(parsed: ParsedConfigFile, kind: ConfigFileKind, errors: readonly ErrorObject[]): ConfigProblem[] {
  const problems = withoutMisspelledRequired(withoutBranchNoise(errors)).map((error) => schemaProblem(parsed, kind, error));
  return uniqueProblems(problems);
}

/** Removes problems identical in place, code and text. */
export function uniqueProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.file}:${problem.line}:${problem.column}:${problem.code}:${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * An `anyOf` failure makes ajv also report why each branch failed ("must be
 * string", "must be array"); the single `anyOf` problem says it better.
 */
function withoutBranchNoise(errors: readonly ErrorObject[]): ErrorObject[] {
  const unions = errors.filter((error) => error.keyword === 'anyOf' || error.keyword === 'oneOf');
  return errors.filter(
    (error) => !unions.some((union) => union !== error && error.schemaPath.startsWith(`${union.schemaPath}/`) && error.instancePath.startsWith(union.instancePath)),
  );
}

/**
 * `modle: x` is reported as an unknown field with "did you mean "model"?";
 * the "missing field model" it also causes would only repeat that.
 */
function withoutMisspelledRequired(errors: ErrorObject[]): ErrorObject[] {
  const suggested = new Set<string>();
  for (const error of errors) {
    if (error.keyword !== 'additionalProperties') continue;
    const field = String((error.params as { additionalProperty: string }).additionalProperty);
    const closest = closestName(field, Object.keys(propertiesOf(error.parentSchema)));
    if (closest !== undefined) suggested.add(`${error.instancePath}/${closest}`);
  }
  return errors.filter((error) => error.keyword !== 'required' || !suggested.has(`${error.instancePath}/${String((error.params as { missingProperty: string }).missingProperty)}`));
}

function schemaProblem(parsed: ParsedConfigFile, kind: ConfigFileKind, error: ErrorObject): ConfigProblem {
  const path = parsePointer(error.instancePath);
  const label = describePath(kind, path);
  const at = (position: DataPath, part: 'key' | 'value' = 'value') => positionOf(parsed, position, part);
  const value = error.data;
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = String((error.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys(propertiesOf(error.parentSchema));
      const hint = didYouMean(field, known) || (known.length > 0 ? `; allowed fields: ${known.join(', ')}` : '');
      return configProblem('CFG_UNKNOWN_FIELD', parsed.file, at([...path, field], 'key'), `unknown field "${field}" in ${label}${hint}`);
    }
    case 'required': {
      const field = String((error.params as { missingProperty: string }).missingProperty);
      return configProblem('CFG_MISSING_FIELD', parsed.file, at(path, 'key'), `${label} is missing the required field "${field}"`);
    }
    case 'type': {
      const expected = String((error.params as { type: string }).type);
      if (path.length === 0) {
        // Never the value itself: a file that is not YAML fields may be anything (a dotenv full of keys).
        const hidden = value === null || value === undefined ? '' : '; its content is not shown';
        return configProblem('CFG_INVALID_TYPE', parsed.file, at(path), `${parsed.file} must be a mapping of fields, not ${describeKind(value)}${hidden}`);
      }
      return configProblem('CFG_INVALID_TYPE', parsed.file, at(path), `${label} must be ${describeType(expected)}, not ${describeValue(value)}`);
    }
    case 'anyOf':
    case 'oneOf':
      return configProblem('CFG_INVALID_TYPE', parsed.file, at(path), `${label} must be ${describeUnion(path, error.parentSchema)}, not ${describeValue(value)}`);
    case 'enum': {
      const allowed = ((error.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
      const hint = typeof value === 'string' ? didYouMean(value, allowed) : '';
      return configProblem('CFG_INVALID_VALUE', parsed.file, at(path), `${label} must be one of ${allowed.map((entry) => `"${entry}"`).join(', ')}, not ${describeValue(value)}${hint}`);
    }
    case 'pattern':
      return patternProblem(parsed, path, label, value, at(path));
    case 'format':
      return configProblem('CFG_INVALID_VALUE', parsed.file, at(path), `${label} must be an http(s) URL such as "https://api.example.com/v1", not ${describeValue(value)}`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const { comparison, limit } = error.params as { comparison: string; limit: number };
      return configProblem('CFG_INVALID_VALUE', parsed.file, at(path), `${label} must be ${comparison} ${limit}, not ${describeValue(value)}`);
    }
    default:
      return configProblem('CFG_INVALID_VALUE', parsed.file, at(path), `${label} ${error.message ?? 'is invalid'}`);
  }
}

/**
 * The two patterns in the schema guard secrets, so their messages never echo
 * the value: it may be a real credential pasted by mistake.
 */
function patternProblem(parsed: ParsedConfigFile, path: DataPath, label: string, value: unknown, position: { line: number; column: number }): ConfigProblem {
  const field = path[path.length - 1];
  if (field === 'api_key' && path[0] === 'providers') {
    const suggested = `${String(path[1]).toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_API_KEY`;
    return configProblem(
      'CFG_LITERAL_SECRET',
      parsed.file,
      position,
      `${label} must be an \${ENV_VAR} reference such as "\${${suggested}}", not a literal value: secrets never belong in git; set the variable where the gateway runs`,
    );
  }
  if (field === 'sha256' && path[0] === 'keys') {
    const advice =
      typeof value === 'string' && value.startsWith('sb-')
        ? 'it looks like the secret itself: only its SHA-256 goes into the file'
        : `run "switchboard keygen --name ${String(path[1])}" to make a secret and its hash`;
    return configProblem('CFG_INVALID_VALUE', parsed.file, position, `${label} must be 64 lowercase hex digits; ${advice}`);
  }
  return configProblem('CFG_INVALID_VALUE', parsed.file, position, `${label} has the wrong form: ${describeValue(value)}`);
}

/** JSON Pointer (`/rules/2/to`) to path segments: `~1`/`~0` unescaped, indexes as numbers so they read as "rule 3". */
export function parsePointer(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : segment));
}

function propertiesOf(schema: unknown): Record<string, unknown> {
  if (typeof schema === 'object' && schema !== null && 'properties' in schema) {
    const properties = (schema as { properties: unknown }).properties;
    if (typeof properties === 'object' && properties !== null) return properties as Record<string, unknown>;
  }
  return {};
}

function describeUnion(path: DataPath, schema: unknown): string {
  const field = path[path.length - 1];
  if (field === 'to' || field === 'default') return 'a target "provider/model" or a list of targets';
  const branches = typeof schema === 'object' && schema !== null ? ((schema as { anyOf?: unknown[]; oneOf?: unknown[] }).anyOf ?? (schema as { oneOf?: unknown[] }).oneOf ?? []) : [];
  const types = branches.map((branch) => (typeof branch === 'object' && branch !== null && 'type' in branch ? describeType(String(branch.type)) : 'another form'));
  return types.join(' or ');
}

function describeType(type: string): string {
  switch (type) {
    case 'object':
      return 'a mapping of fields';
    case 'array':
      return 'a list';
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'integer':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    default:
      return type;
  }
}

/** What a value is, without any of its content. */
function describeKind(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'text';
  return describeType(typeof value);
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value.length > 60 ? `${value.slice(0, 57)}...` : value}"`;
  return String(value);
}
