/** Replaces the gateway's own provider credentials in text that came back from an upstream. */
export type SecretRedactor = (text: string) => string;

/** What a credential is replaced with. */
export const redactedSecret = '[redacted]';

/**
 * Values shorter than this are not treated as secrets: a `${REGION}` header of `eu` would otherwise
 * punch holes into every error message. Real credentials are far longer.
 */
const minimumSecretLength = 8;

/**
 * Builds the redactor of one config snapshot, once, from every credential the
 * gateway sends upstream: provider `api_key`s and the values of configured
 * headers that come from `${ENV}` references. Providers and proxies have been
 * seen echoing the request headers in their error text (`x-api-key=...`,
 * `Bearer ...`); everything the gateway relays to a client or writes to a
 * trace from an upstream passes through this one function.
 *
 * Each secret is also matched in its JSON-escaped and URL-encoded forms, the
 * shapes an echo takes inside a JSON body or a query string. One compiled
 * alternation scans the text once; text without a secret comes back as is.
 */
export function createSecretRedactor(secrets: Iterable<string>): SecretRedactor {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < minimumSecretLength) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(encodeURIComponent(secret));
  }
  if (forms.size === 0) return (text) => text;
  // Longest first, so a secret that contains another is replaced whole.
  const pattern = new RegExp(
    [...forms]
      .sort((a, b) => b.length - a.length)
      .map((form) => form.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
      .join('|'),
    'g',
  );
  return (text) => text.replace(pattern, redactedSecret);
}
