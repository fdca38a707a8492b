import type { CanonicalResponse, Usage } from '../canonical/types.js';
import { costOfUsage } from '../spend/cost-of-usage.js';
import type { PriceTable } from '../spend/price-table.js';
import type { FinishedRequest } from './finished-request.js';

/** About four characters of English or code per token: the rule of thumb every vendor quotes, good enough for a marked estimate. */
const charactersPerToken = 4;

/**
 * Puts the cost of a settled request on its outcome, from the usage the
 * provider reported and the price of the target that answered. A stream that
 * ended early (client gone, upstream broke) is charged for what it produced:
 * when the provider's last usage report counts fewer output tokens than the
 * text that reached the client (Anthropic reports output only at the end;
 * Chat Completions reports nothing until its last chunk), the output, and a
 * missing input count, are estimated and the usage is marked as estimated.
 */
export function priceOutcome(finished: FinishedRequest, prices: PriceTable): void {
  const { outcome } = finished;
  const estimated = estimatedUsage(finished);
  if (estimated) {
    outcome.usage = estimated;
    outcome.usageEstimated = true;
  }
  if (!outcome.usage || outcome.provider === null || outcome.upstreamModel === null) return;
  const entry = prices.lookup(`${outcome.provider}/${outcome.upstreamModel}`);
  if (entry) outcome.cost = costOfUsage(outcome.usage, entry.prices);
}

function estimatedUsage(finished: FinishedRequest): Usage | undefined {
  const { outcome } = finished;
  const assembled = outcome.assembled;
  const unified = assembled?.finishReason.unified;
  const endedEarly = outcome.clientAborted || unified === 'error' || unified === 'incomplete' || assembled?.finishReason.raw === 'incomplete';
  if (!endedEarly || !assembled) return undefined;
  const produced = Math.ceil(producedCharacters(assembled) / charactersPerToken);
  const reported = outcome.usage;
  if (reported && reported.inputTokens > 0 && reported.outputTokens >= produced) return undefined;
  const inputTokens = reported && reported.inputTokens > 0 ? reported.inputTokens : Math.ceil((finished.rawBody?.length ?? 0) / charactersPerToken);
  return { ...reported, inputTokens, outputTokens: Math.max(produced, reported?.outputTokens ?? 0) };
}

function producedCharacters(response: CanonicalResponse): number {
  let characters = 0;
  for (const part of response.content) {
    switch (part.type) {
      case 'text':
      case 'reasoning':
      case 'refusal':
        characters += part.text.length;
        break;
      case 'tool-call':
        characters += part.name.length + part.input.length;
        break;
      default: {
        const unreachable: never = part;
        throw new Error(`unknown content part ${JSON.stringify(unreachable)}`);
      }
    }
  }
  return characters;
}
