import { randomBytes } from 'node:crypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A random id in a wire format's own style (`msg_…`, `toolu_…`, `chatcmpl-…`,
 * `call_…`), for when the source of a translation carried none.
 */
export function generateId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let id = prefix;
  // 62 does not divide 256, so a few characters are slightly likelier; ids need uniqueness, not uniformity.
  for (let index = 0; index < length; index++) id += alphabet[bytes[index]! % alphabet.length];
  return id;
}
