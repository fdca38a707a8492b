/** Longest model name the gateway routes; real names are under 100 characters. */
export const maxModelNameLength = 256;

/**
 * Why a requested model name is refused, or undefined when it is routable.
 * Only printable ASCII is routed: a regex capture copies the name into
 * `x-switchboard-route` and into the upstream body, and a character Node
 * refuses in a header (an emoji, a control character) used to fail the
 * response after it counted as started. The length cap bounds the work of
 * every regex rule per request.
 */
export function modelNameProblem(model: string): string | undefined {
  if (model.length > maxModelNameLength) return `model: at most ${maxModelNameLength} characters are allowed, got ${model.length}`;
  if (!/^[\x20-\x7e]+$/.test(model)) return 'model: only printable ASCII characters are allowed (no control characters, no emoji)';
  return undefined;
}
