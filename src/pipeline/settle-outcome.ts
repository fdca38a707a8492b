import { getCodec } from '../formats/index.js';
import type { FinishedRequest } from './finished-request.js';

/**
 * Fills a finished request's usage and stop reason from its answer, once,
 * for the trace, the metrics and the token budget. A non-streamed passthrough
 * answer was relayed as text and is read back here, after the client got it.
 */
export function settleOutcome(finished: FinishedRequest): void {
  const { outcome } = finished;
  if (!outcome.assembled && typeof outcome.response === 'string' && outcome.status < 400) {
    try {
      outcome.assembled = getCodec(finished.inbound.format).decodeResponse(JSON.parse(outcome.response));
    } catch {
      // A body the codec cannot read still gets traced, just without usage.
    }
  }
  const assembled = outcome.assembled;
  if (!assembled) return;
  outcome.usage = assembled.usage ?? null;
  outcome.stopReason = assembled.finishReason.raw ?? assembled.finishReason.unified;
}
