/**
 * Error types between the two vocabularies. The gateway's registry and the
 * canonical StreamError use Anthropic's names; OpenAI bodies have a `type`
 * and a `code`. Every writer accepts either vocabulary (a relayed upstream
 * type may come from any format) and writes its own.
 */

const anthropicTypes = new Set([
  'invalid_request_error',
  'authentication_error',
  'billing_error',
  'permission_error',
  'not_found_error',
  'request_too_large',
  'rate_limit_error',
  'api_error',
  'timeout_error',
  'overloaded_error',
]);

/** OpenAI `type` or `code` -> Anthropic type. */
const openaiToAnthropic: Record<string, string> = {
  invalid_request_error: 'invalid_request_error',
  invalid_api_key: 'authentication_error',
  authentication_error: 'authentication_error',
  insufficient_quota: 'billing_error',
  permission_error: 'permission_error',
  model_not_found: 'not_found_error',
  not_found_error: 'not_found_error',
  context_length_exceeded: 'invalid_request_error',
  rate_limit_exceeded: 'rate_limit_error',
  server_error: 'api_error',
  service_unavailable: 'overloaded_error',
  timeout: 'timeout_error',
};

/** Anthropic type -> OpenAI `type` and default `code`. */
const anthropicToOpenai: Record<string, { type: string; code: string | null }> = {
  invalid_request_error: { type: 'invalid_request_error', code: null },
  authentication_error: { type: 'invalid_request_error', code: 'invalid_api_key' },
  billing_error: { type: 'insufficient_quota', code: 'insufficient_quota' },
  permission_error: { type: 'invalid_request_error', code: 'permission_denied' },
  not_found_error: { type: 'invalid_request_error', code: 'not_found' },
  request_too_large: { type: 'invalid_request_error', code: 'request_too_large' },
  rate_limit_error: { type: 'rate_limit_exceeded', code: 'rate_limit_exceeded' },
  api_error: { type: 'server_error', code: null },
  timeout_error: { type: 'server_error', code: 'timeout' },
  overloaded_error: { type: 'server_error', code: 'service_unavailable' },
};

/** Any error type (either vocabulary) plus the HTTP status -> an Anthropic error type. */
export function toAnthropicErrorType(type: string | undefined, status: number | undefined): string {
  if (type !== undefined) {
    if (anthropicTypes.has(type)) return type;
    const mapped = openaiToAnthropic[type];
    if (mapped !== undefined) return mapped;
  }
  return anthropicErrorTypeForStatus(status);
}

/** Any error type (either vocabulary) plus the HTTP status -> OpenAI `type` and `code`. */
export function toOpenaiErrorType(type: string | undefined, status: number | undefined): { type: string; code: string | null } {
  return anthropicToOpenai[toAnthropicErrorType(type, status)] ?? { type: 'server_error', code: null };
}

function anthropicErrorTypeForStatus(status: number | undefined): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 408:
    case 504:
      return 'timeout_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    default:
      return status !== undefined && status >= 400 && status < 500 ? 'invalid_request_error' : 'api_error';
  }
}
