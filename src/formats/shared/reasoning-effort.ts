import type { ReasoningEffort } from '../../canonical/types.js';

/**
 * The one place where a thinking budget (Anthropic `thinking.budget_tokens`)
 * and a reasoning effort (OpenAI `reasoning_effort`, Anthropic
 * `output_config.effort`) are converted into each other. docs/translation.md
 * shows the same table.
 *
 * | budget_tokens  | effort  |        | effort           | budget_tokens |
 * |----------------|---------|        |------------------|---------------|
 * | < 2,048        | low     |        | minimal, low     | 4,096         |
 * | < 16,384       | medium  |        | medium           | 16,384        |
 * | >= 16,384      | high    |        | high             | 32,768        |
 * |                |         |        | xhigh            | 65,536        |
 */
export function effortForBudget(budgetTokens: number): ReasoningEffort {
  if (budgetTokens < 2048) return 'low';
  if (budgetTokens < 16384) return 'medium';
  return 'high';
}

/** The inverse direction of {@link effortForBudget}; see the table there. */
export function budgetForEffort(effort: ReasoningEffort): number {
  switch (effort) {
    case 'minimal':
    case 'low':
      return 4096;
    case 'medium':
      return 16384;
    case 'high':
      return 32768;
    case 'xhigh':
      return 65536;
    default: {
      const unexpected: never = effort;
      throw new Error(`unknown reasoning effort ${String(unexpected)}`);
    }
  }
}
