import { errorCodes, type ErrorCode } from './codes.js';

/**
 * The one error type that crosses module boundaries. Everything that can go
 * wrong while serving a request ends as a GatewayError, so the server can
 * encode it in the caller's wire format with the right status.
 */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: string;
  readonly retryable: boolean;
  /** Set when the error was produced by the upstream provider and is relayed. */
  readonly upstream?: UpstreamErrorDetail;
  /** Seconds the client should wait, sent as `retry-after`. */
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const info = errorCodes[code];
    this.name = 'GatewayError';
    this.code = code;
    this.status = options.status ?? info.status;
    this.type = options.type ?? info.type;
    this.retryable = options.retryable ?? info.retryable;
    if (options.upstream) this.upstream = options.upstream;
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export interface GatewayErrorOptions {
  cause?: unknown;
  /** Overrides the code's default status (used to relay an upstream status). */
  status?: number;
  /** Overrides the code's default error type (used to relay an upstream type). */
  type?: string;
  retryable?: boolean;
  upstream?: UpstreamErrorDetail;
  retryAfterSeconds?: number;
}

/** What the upstream said, kept so the client sees the provider's own words. */
export interface UpstreamErrorDetail {
  provider: string;
  status: number;
  /** The upstream's error type or code, if its body had one. */
  type?: string;
  message: string;
  /** The upstream's request-id and rate-limit response headers, relayed to the client with the error. */
  headers?: Record<string, string>;
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}

/** Wraps anything thrown into a GatewayError without losing the original. */
export function toGatewayError(value: unknown): GatewayError {
  if (value instanceof GatewayError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new GatewayError('SB_INTERNAL', message, { cause: value });
}
