/** Longest client-supplied identifier kept in a trace line; longer values are cut to this length. */
export const maxClientValueLength = 200;

/**
 * A value a client chose (a session id, an agent id or name) made safe to
 * print: only printable ASCII is kept as is, anything else (control
 * characters, line separators, other Unicode) becomes `?`, and the result is
 * trimmed and cut to `maxClientValueLength`. Ids the clients make (UUIDs, hex
 * ids, `/root/worker_1`) pass unchanged; a hostile header cannot break a
 * trace table row or a terminal. Empty or non-string values are undefined.
 */
export function cleanClientValue(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const printable = value.replace(/[^\x20-\x7e]/g, '?').trim();
  if (printable === '') return undefined;
  return printable.length > maxClientValueLength ? printable.slice(0, maxClientValueLength) : printable;
}
