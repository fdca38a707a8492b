import type { ResolvedProvider } from '../config/snapshot.js';
import { GatewayError } from '../errors/gateway-error.js';
import { upstreamTransportError, type UpstreamResponse } from './call-upstream.js';

export interface CappedBody {
  text: string;
  /** True when the body went on past the cap; the rest was not read and the connection was closed. */
  truncated: boolean;
}

/**
 * Reads at most `limit` bytes of an upstream body. Past the cap the body is
 * destroyed, which closes the connection: an upstream answering with an
 * endless or 800 MB body costs the gateway `limit` bytes of memory, not the
 * whole body.
 */
export async function readCappedBody(body: UpstreamResponse['body'], limit: number): Promise<CappedBody> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const room = limit - bytes;
    if (chunk.length > room) {
      chunks.push(chunk.subarray(0, room));
      body.destroy();
      return { text: Buffer.concat(chunks).toString('utf8'), truncated: true };
    }
    chunks.push(chunk);
    bytes += chunk.length;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
}

/** A whole (non-streamed) upstream answer as text, refused with 502 when larger than `server.upstream_body_limit_mb`. */
export async function readUpstreamBody(response: UpstreamResponse, provider: ResolvedProvider, limit: number): Promise<string> {
  let body: CappedBody;
  try {
    body = await readCappedBody(response.body, limit);
  } catch (error) {
    throw upstreamTransportError(error, provider);
  }
  if (body.truncated) {
    throw new GatewayError('SB_UPSTREAM_BAD_RESPONSE', `provider "${provider.name}" sent a response larger than the gateway's limit of ${Math.round(limit / 1024 / 1024)} MiB (server.upstream_body_limit_mb)`);
  }
  return body.text;
}
