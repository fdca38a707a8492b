const referencePattern = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The variable names of every `${NAME}` in a config value, in order. */
export function envReferences(text: string): string[] {
  return [...text.matchAll(referencePattern)].map((match) => match[1]!);
}

/**
 * Whether a variable counts as set. An empty value is treated as unset: an
 * empty credential would only turn into a confusing 401 from the provider.
 */
export function isEnvSet(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = env[name];
  return value !== undefined && value !== '';
}

/** `text` with every `${NAME}` replaced from `env`; undefined when any of them is unset. */
export function resolveEnvReferences(text: string, env: NodeJS.ProcessEnv): string | undefined {
  if (envReferences(text).some((name) => !isEnvSet(env, name))) return undefined;
  return text.replace(referencePattern, (_, name: string) => env[name]!);
}
