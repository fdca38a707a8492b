import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { WireFormat } from '../canonical/types.js';
import { GatewayError } from '../errors/gateway-error.js';
import { getCodec } from '../formats/index.js';

/** What the request on a connection was, when Node reports a connection-level error for it. */
export interface OpenRequest {
  id: string;
  format: WireFormat;
  /** The `content-length` the client announced, if any. */
  declaredLength?: number;
  /** Set here, read by the error handler: the refusal the trace line records. */
  clientError?: GatewayError;
}

/**
 * Node reports a body cut short (`content-length: 1000`, 500 bytes, then
 * end of stream) or one that stopped arriving (`server.request_timeout_ms`)
 * on the connection, not on the request, and Fastify's default answers with
 * its own JSON. This answers in the caller's format instead, with the
 * gateway's code, and leaves the error on the request so its trace line
 * says what happened (it used to say 500 `SB_INTERNAL`).
 */
export function createClientErrorHandler(openRequests: WeakMap<Socket, OpenRequest>): (error: NodeJS.ErrnoException, socket: Socket) => void {
  return (error, socket) => {
    // A reset: nobody is left to answer. The request's own error handler records it as a client abort.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const open = openRequests.get(socket);
    const refusal = refusalOf(error, open);
    if (open) open.clientError = refusal;
    if (socket.writable) socket.write(rawErrorResponse(refusal, open));
    socket.destroy(error);
  };
}

function refusalOf(error: NodeJS.ErrnoException, open: OpenRequest | undefined): GatewayError {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new GatewayError('SB_REQUEST_TIMEOUT', 'the request did not arrive completely within server.request_timeout_ms');
    case 'HPE_HEADER_OVERFLOW':
      return new GatewayError('SB_REQUEST_HEADERS_TOO_LARGE', 'the request headers are larger than 16 KiB');
    case 'HPE_INVALID_EOF_STATE':
      if (open?.declaredLength !== undefined) return new GatewayError('SB_REQUEST_INCOMPLETE', `the connection ended before the whole request body arrived (content-length: ${open.declaredLength})`);
      return new GatewayError('SB_REQUEST_INCOMPLETE', 'the connection ended in the middle of a request');
    default:
      return new GatewayError('SB_REQUEST_INVALID', `the request is not valid HTTP (${error.code ?? 'parse error'})`);
  }
}

/** The whole HTTP response, written on the socket directly (no request object is left to answer with). */
function rawErrorResponse(refusal: GatewayError, open: OpenRequest | undefined): string {
  const body = JSON.stringify(open ? getCodec(open.format).encodeError(refusal) : eitherFormatError(refusal));
  const headers = [
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? 'Error'}`,
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(body)}`,
    'x-switchboard-error-source: gateway',
    `x-switchboard-error-code: ${refusal.code}`,
    ...(open ? [`x-switchboard-request-id: ${open.id}`] : []),
    'connection: close',
  ];
  return `${headers.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * Before the request line and headers were read (a slow client timed out on them) the path, and so the
 * caller's format, is unknown: Anthropic's envelope (`type: "error"`) around OpenAI's error fields reads
 * as an error in both families' SDKs.
 */
function eitherFormatError(refusal: GatewayError): Record<string, unknown> {
  const openai = getCodec('openai-chat').encodeError(refusal) as { error: Record<string, unknown> };
  const anthropic = getCodec('anthropic').encodeError(refusal) as { error: Record<string, unknown> };
  return { type: 'error', error: { ...openai.error, ...anthropic.error } };
}
