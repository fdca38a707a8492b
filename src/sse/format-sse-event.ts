/**
 * Frames one server-sent event. `data` must already be a single line (JSON
 * from JSON.stringify never holds a raw newline); `event` names are
 * constants of the writers, never client input.
 */
export function formatSseEvent(data: string, event?: string): string {
  return event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`;
}
