/**
 * One upstream SSE event's data as a JSON object, or undefined when it is not
 * one. Every stream decoder fails the stream on undefined: a provider that
 * sends garbage mid-stream has broken it, and the client must hear so.
 */
export function parseEventObject(data: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}
