/**
 * The registry of every error code the gateway emits. A code is stable once
 * released: users match on it in traces, logs and client error bodies.
 * `docs/errors.md` lists each code; a test keeps the two in step.
 */
export const errorCodes = {
  // Authentication and authorization
  SB_AUTH_MISSING_KEY: { status: 401, type: 'authentication_error', retryable: false, summary: 'No API key in x-api-key or Authorization: Bearer.' },
  SB_AUTH_INVALID_KEY: { status: 401, type: 'authentication_error', retryable: false, summary: 'The API key is not known to this gateway.' },
  SB_AUTH_CONFLICTING_KEYS: { status: 401, type: 'authentication_error', retryable: false, summary: 'x-api-key and Authorization: Bearer carry two different keys.' },
  SB_AUTH_KEY_DISABLED: { status: 403, type: 'permission_error', retryable: false, summary: 'The API key is disabled in gateway.yaml.' },
  SB_AUTH_NOT_ADMIN: { status: 403, type: 'permission_error', retryable: false, summary: 'The API key may not read /status or /metrics: that takes role: admin (or the admin listener).' },
  SB_AUTH_PROFILE_FORBIDDEN: { status: 403, type: 'permission_error', retryable: false, summary: 'The x-switchboard-profile header names a profile the key may not use.' },
  // Routing
  SB_ROUTE_NO_MATCH: { status: 404, type: 'not_found_error', retryable: false, summary: 'No rule of the profile matches the requested model and the profile has no default.' },
  SB_ROUTE_UNKNOWN_PROFILE: { status: 404, type: 'not_found_error', retryable: false, summary: 'The profile asked for does not exist.' },
  SB_ROUTE_FORMAT_UNSUPPORTED: { status: 400, type: 'invalid_request_error', retryable: false, summary: 'The route needs a translation between wire formats that this build does not support.' },
  // Request validation
  SB_REQUEST_INVALID_JSON: { status: 400, type: 'invalid_request_error', retryable: false, summary: 'The request body is not valid JSON.' },
  SB_REQUEST_INVALID: { status: 400, type: 'invalid_request_error', retryable: false, summary: 'The request body is missing a required field or has a field of the wrong type.' },
  SB_REQUEST_UNTRANSLATABLE: { status: 400, type: 'invalid_request_error', retryable: false, summary: "The request holds something only the client's own API family can act on (an OpenAI compaction item), and the route's provider speaks another format." },
  SB_REQUEST_TOO_LARGE: { status: 413, type: 'request_too_large', retryable: false, summary: 'The request body exceeds server.body_limit_mb.' },
  SB_REQUEST_UNSUPPORTED_MEDIA_TYPE: { status: 415, type: 'invalid_request_error', retryable: false, summary: 'The request body is not application/json.' },
  SB_REQUEST_INCOMPLETE: { status: 400, type: 'invalid_request_error', retryable: false, summary: 'The connection ended before the whole request body (content-length) arrived.' },
  SB_REQUEST_HEADERS_TOO_LARGE: { status: 431, type: 'invalid_request_error', retryable: false, summary: 'The request headers are larger than 16 KiB.' },
  SB_REQUEST_TIMEOUT: { status: 408, type: 'timeout_error', retryable: true, summary: 'The client took too long to send the request.' },
  SB_MODEL_NOT_LISTED: { status: 404, type: 'not_found_error', retryable: false, summary: 'GET /v1/models/{id} names a model the key\'s profile does not list.' },
  SB_NOT_FOUND: { status: 404, type: 'not_found_error', retryable: false, summary: 'No such route on this gateway.' },
  SB_WEBSOCKET_DISABLED: { status: 426, type: 'invalid_request_error', retryable: false, summary: 'The Responses WebSocket is turned off (server.websocket: false); on 426 Upgrade Required Codex falls back to HTTP at once.' },
  SB_WEBSOCKET_PREVIOUS_RESPONSE_NOT_FOUND: { status: 400, type: 'invalid_request_error', retryable: false, summary: 'A response.create frame names a previous_response_id this WebSocket connection does not keep; the error frame carries OpenAI\'s code previous_response_not_found, on which Codex resends the full input.' },
  SB_WEBSOCKET_RESPONSE_IN_FLIGHT: { status: 409, type: 'invalid_request_error', retryable: true, summary: 'A response.create frame arrived while this WebSocket connection was still streaming a response; one response at a time per connection.' },
  // Limits
  SB_LIMIT_CONCURRENCY: { status: 429, type: 'rate_limit_error', retryable: true, summary: 'The key has reached its max_concurrent requests.' },
  SB_LIMIT_RATE: { status: 429, type: 'rate_limit_error', retryable: true, summary: 'The key has reached its requests_per_minute.' },
  SB_LIMIT_TOKENS: { status: 429, type: 'rate_limit_error', retryable: true, summary: 'The key has used its tokens_per_day.' },
  SB_BUDGET_EXHAUSTED: { status: 429, type: 'rate_limit_error', retryable: false, summary: 'A budget (usd_per_day, usd_per_month, tokens_per_day) of the key or its profile is used up and no budget_fallback is set; the message names it and when it resets.' },
  SB_LIMIT_STORE_UNAVAILABLE: { status: 503, type: 'overloaded_error', retryable: true, summary: 'The shared limit store (limits.store) did not answer and limits.on_store_error is refuse.' },
  // Upstream
  SB_UPSTREAM_HTTP: { status: 502, type: 'api_error', retryable: false, summary: 'The upstream provider answered with an error; its status and message are relayed.' },
  SB_UPSTREAM_CONNECT: { status: 502, type: 'api_error', retryable: true, summary: 'The upstream provider could not be reached.' },
  SB_UPSTREAM_TIMEOUT: { status: 504, type: 'timeout_error', retryable: true, summary: 'The upstream provider did not answer (or stopped streaming) within the configured timeout.' },
  SB_UPSTREAM_STREAM_BROKEN: { status: 502, type: 'api_error', retryable: false, summary: 'The upstream stream ended without its terminal event or with malformed data.' },
  SB_UPSTREAM_BAD_RESPONSE: { status: 502, type: 'api_error', retryable: false, summary: 'The upstream response could not be parsed.' },
  SB_UPSTREAM_UNAVAILABLE: { status: 503, type: 'overloaded_error', retryable: true, summary: 'Every target of the route is marked down by its circuit breaker.' },
  SB_UPSTREAM_POOL_FULL: { status: 503, type: 'overloaded_error', retryable: true, summary: 'Every connection to the provider is busy and max_pending requests already wait, or none freed up within timeouts.queue_ms.' },
  SB_UPSTREAM_MISSING_CREDENTIAL: { status: 500, type: 'api_error', retryable: false, summary: 'The provider api_key references an environment variable that is not set.' },
  // Client
  SB_CLIENT_STALLED: { status: 408, type: 'timeout_error', retryable: false, summary: 'The client stopped reading the answer for server.send_timeout_ms; the gateway closed the connection and aborted the upstream call.' },
  // Gateway
  SB_GATEWAY_DRAINING: { status: 503, type: 'overloaded_error', retryable: true, summary: 'The gateway is shutting down and takes no new requests.' },
  SB_CLIENT_ABORTED: { status: 499, type: 'client_abort', retryable: false, summary: 'The client closed the connection before the answer was complete; recorded in traces and metrics (nobody is left to answer).' },
  SB_INTERNAL: { status: 500, type: 'api_error', retryable: false, summary: 'An unexpected gateway error; the trace line holds details.' },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Static facts about one error code. */
export interface ErrorCodeInfo {
  /** HTTP status sent to the client. */
  status: number;
  /** Error `type` in the client's wire format (Anthropic names; OpenAI encoders map them). */
  type: string;
  /** Whether a retry (or a fallback target) may succeed. */
  retryable: boolean;
  /** One line for docs/errors.md. */
  summary: string;
}

export type ErrorCode = keyof typeof errorCodes;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(errorCodes, code);
}
