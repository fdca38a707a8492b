import { checkTargets, type Report } from './check-profile.js';
import { configProblem, type ConfigProblem } from './config-problem.js';
import { didYouMean } from './did-you-mean.js';
import { envReferences, isEnvSet } from './env-references.js';
import type { ParsedConfigFile } from './parse-config-file.js';
import type { GatewayFile } from './types.js';
import { positionOf } from './yaml-positions.js';

export interface GatewayCheckOptions {
  env: NodeJS.ProcessEnv;
  /** Unset `${ENV}` references are errors instead of warnings. */
  strict: boolean;
}

/**
 * Headers that carry a credential; a literal value there is a secret committed to git. By name:
 * `authorization`, `cookie`, anything ending in `-key` or holding `api-key` (`x-goog-api-key`,
 * `ocp-apim-subscription-key`), or mentioning a token, secret, password, credential or signature.
 */
const credentialHeaders = /^(authorization|proxy-authorization|cookie|key)$|api-?key|-key$|token|secret|passw|credential|signature/i;

/**
 * Checks of `gateway.yaml` the schema cannot express: references to profiles,
 * unique key hashes, a base URL where the format needs one, and environment
 * references that will be empty at run time.
 */
export function checkGateway(parsed: ParsedConfigFile, gateway: GatewayFile, profileNames: ReadonlySet<string>, options: GatewayCheckOptions): ConfigProblem[] {
  return [...checkProviders(parsed, gateway, options), ...checkKeys(parsed, gateway, profileNames), ...checkOtel(parsed, gateway, options)];
}

function checkProviders(parsed: ParsedConfigFile, gateway: GatewayFile, options: GatewayCheckOptions): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [name, provider] of Object.entries(gateway.providers)) {
    if (provider.format !== 'mock' && provider.base_url === undefined) {
      problems.push(configProblem('CFG_MISSING_FIELD', parsed.file, positionOf(parsed, ['providers', name], 'key'), `provider "${name}" has format "${provider.format}" and needs a base_url`));
    }
    if (provider.base_url !== undefined && hasUserInfo(provider.base_url)) {
      problems.push(
        configProblem(
          'CFG_INVALID_VALUE',
          parsed.file,
          positionOf(parsed, ['providers', name, 'base_url']),
          `base_url of provider "${name}" carries a user and password; they are not sent and do not belong in git: use api_key or a header with an \${ENV_VAR} reference`,
        ),
      );
    }
    if (provider.api_key !== undefined) problems.push(...envProblems(parsed, ['providers', name, 'api_key'], `api_key of provider "${name}"`, provider.api_key, options));
    problems.push(...headerProblems(parsed, ['providers', name, 'headers'], `provider "${name}"`, provider.headers, options));
  }
  return problems;
}

/** The OTLP export's headers follow the providers' rule: a credential comes from the environment, never from git. */
function checkOtel(parsed: ParsedConfigFile, gateway: GatewayFile, options: GatewayCheckOptions): ConfigProblem[] {
  return headerProblems(parsed, ['otel', 'headers'], 'otel', gateway.otel?.headers, options);
}

function headerProblems(parsed: ParsedConfigFile, at: (string | number)[], owner: string, headers: { [name: string]: string } | undefined, options: GatewayCheckOptions): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [header, value] of Object.entries(headers ?? {})) {
    const path = [...at, header];
    if (credentialHeaders.test(header) && envReferences(value).length === 0) {
      problems.push(
        configProblem(
          'CFG_LITERAL_SECRET',
          parsed.file,
          positionOf(parsed, path),
          `header "${header}" of ${owner} carries a credential and must use an \${ENV_VAR} reference, not a literal value: secrets never belong in git`,
        ),
      );
    }
    problems.push(...envProblems(parsed, path, `header "${header}" of ${owner}`, value, options));
  }
  return problems;
}

function envProblems(parsed: ParsedConfigFile, path: (string | number)[], label: string, text: string, options: GatewayCheckOptions): ConfigProblem[] {
  const consequence = options.strict ? '' : path[0] === 'otel' ? '; the header is left out of exports until it is set' : '; requests to this provider will fail until it is set';
  return envReferences(text)
    .filter((name) => !isEnvSet(options.env, name))
    .map((name) => configProblem('CFG_ENV_UNSET', parsed.file, positionOf(parsed, path), `${label} references \${${name}}, which is not set${consequence}`, options.strict ? 'error' : 'warning'));
}

function checkKeys(parsed: ParsedConfigFile, gateway: GatewayFile, profileNames: ReadonlySet<string>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const keyBySha256 = new Map<string, string>();
  const profileProblem = (path: (string | number)[], keyName: string, profile: string) => {
    if (profileNames.has(profile)) return;
    problems.push(
      configProblem('CFG_UNKNOWN_PROFILE', parsed.file, positionOf(parsed, path), `key "${keyName}" uses profile "${profile}", but there is no profiles/${profile}.yaml${didYouMean(profile, profileNames)}`),
    );
  };
  for (const [name, key] of Object.entries(gateway.keys)) {
    profileProblem(['keys', name, 'profile'], name, key.profile);
    if (key.budget_fallback !== undefined) {
      const report: Report = (code, path, message) => problems.push(configProblem(code, parsed.file, positionOf(parsed, path), message));
      checkTargets(key.budget_fallback, ['keys', name, 'budget_fallback'], `budget_fallback of key "${name}"`, new Set(Object.keys(gateway.providers)), report);
    }
    (key.profiles ?? []).forEach((profile, index) => profileProblem(['keys', name, 'profiles', index], name, profile));
    const earlier = keyBySha256.get(key.sha256);
    if (earlier === undefined) {
      keyBySha256.set(key.sha256, name);
      continue;
    }
    const earlierLine = positionOf(parsed, ['keys', earlier, 'sha256']).line;
    problems.push(
      configProblem(
        'CFG_DUPLICATE_KEY_HASH',
        parsed.file,
        positionOf(parsed, ['keys', name, 'sha256']),
        `key "${name}" has the same sha256 as key "${earlier}" (line ${earlierLine}); every key needs its own secret (switchboard keygen --name ${name})`,
      ),
    );
  }
  return problems;
}

function hasUserInfo(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return false;
  }
}
