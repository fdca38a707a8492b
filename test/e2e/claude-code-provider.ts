import type { FakeReply, RecordedRequest } from '../helpers/fake-provider.js';
import {
  anthropicTurnMessage,
  anthropicTurnStream,
  chatTurnCompletion,
  chatTurnStream,
  responsesTurnResponse,
  responsesTurnStream,
  type ScriptedTurn,
  type TurnUsage,
} from '../helpers/wire-transcripts.js';
import { proofCommand } from './real-clients.js';

/**
 * The provider side of the Claude Code end-to-end tests, in each provider
 * wire format: a Bash tool loop, then Claude Code's compaction request and the
 * first request after it.
 */

export type ProviderFormat = 'anthropic' | 'openai-chat' | 'openai-responses';

export const providerFormats: ProviderFormat[] = ['anthropic', 'openai-chat', 'openai-responses'];

export const reasoning = 'The user wants the proof file written and read back.';
/** The signature anthropicTurnStream puts on its thinking block. */
export const anthropicSignature = 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds';
/** What an OpenAI reasoning item carries with `store: false`; the next turn must send it back for the reasoning to count. */
export const encryptedReasoning = 'gAAAAABoSbE2EClaudeEncryptedReasoning0123456789';
export const toolCallId: Record<ProviderFormat, string> = { anthropic: 'toolu_01SbE2EClaude', 'openai-chat': 'call_sbE2EClaude01', 'openai-responses': 'call_sbE2EClaudeResp01' };
export const finalAnswer = (format: ProviderFormat): string => `Done: the proof file is written and read back (claude-code e2e via ${format}).`;
export const answerAfterCompaction = (format: ProviderFormat): string => `Picked up from the summary (claude-code e2e via ${format}).`;

/**
 * Claude Code's compaction request is an ordinary Messages request (same
 * model, same tools) whose last user turn ends with this instruction; it
 * expects `<analysis>` and `<summary>` blocks back.
 */
export const compactionInstruction = 'Your task is to create a detailed summary of the conversation so far';
export const summaryText = 'SB-E2E-SUMMARY: the user had a proof file written with Bash and read back.';

/**
 * What the provider reports while the tool loop runs: a context of 150k tokens,
 * most of it cache reads. Claude Code adds input and cache tokens to size its
 * context, so with CLAUDE_CODE_AUTO_COMPACT_WINDOW=100000 the next prompt
 * compacts first, provided the gateway reported both faithfully.
 */
export const largeContextUsage: TurnUsage = { input: 150_000, cached: 120_000, output: 40 };
const smallUsage: TurnUsage = { input: 3_000, output: 60 };

interface Tool {
  name?: string;
  function?: { name?: string };
}

/** Does the request offer Claude Code's Bash tool, in the provider's tool shape? */
export function offersBash(format: ProviderFormat, request: RecordedRequest): boolean {
  const tools = Array.isArray(request.body.tools) ? (request.body.tools as Tool[]) : [];
  return tools.some((tool) => (format === 'openai-chat' ? tool.function?.name : tool.name) === 'Bash');
}

/** The request's history: `messages`, or `input` for Responses. */
export function historyOf(format: ProviderFormat, request: RecordedRequest): Array<Record<string, unknown>> {
  const history = format === 'openai-responses' ? request.body.input : request.body.messages;
  return Array.isArray(history) ? (history as Array<Record<string, unknown>>) : [];
}

export function carriesToolResult(format: ProviderFormat, request: RecordedRequest): boolean {
  const history = historyOf(format, request);
  switch (format) {
    case 'anthropic':
      return history.some((message) => Array.isArray(message.content) && (message.content as Array<{ type?: string }>).some((block) => block.type === 'tool_result'));
    case 'openai-chat':
      return history.some((message) => message.role === 'tool');
    case 'openai-responses':
      return history.some((item) => item.type === 'function_call_output');
    default: {
      const unexpected: never = format;
      throw new Error(`unknown format ${String(unexpected)}`);
    }
  }
}

export const isCompactionRequest = (request: RecordedRequest): boolean => request.rawBody.includes(compactionInstruction);
export const carriesSummary = (request: RecordedRequest): boolean => request.rawBody.includes(summaryText);

/** Which step of the script a request is. */
export function stepOf(format: ProviderFormat, request: RecordedRequest): 'compaction' | 'after-compaction' | 'tool-call' | 'final' | 'side' {
  if (isCompactionRequest(request)) return 'compaction';
  if (carriesSummary(request)) return 'after-compaction';
  if (!offersBash(format, request)) return 'side';
  return carriesToolResult(format, request) ? 'final' : 'tool-call';
}

/** The provider's answer, in its own wire format. */
export function providerScript(format: ProviderFormat): (request: RecordedRequest) => FakeReply {
  return (request) => {
    const model = String(request.body.model);
    const turn = scriptedTurn(format, stepOf(format, request));
    const stream = request.body.stream === true;
    switch (format) {
      case 'anthropic':
        return stream ? { kind: 'sse', frames: anthropicTurnStream(model, turn) } : { kind: 'json', body: anthropicTurnMessage(model, turn) };
      case 'openai-chat':
        return stream ? { kind: 'sse', frames: chatTurnStream(model, turn) } : { kind: 'json', body: chatTurnCompletion(model, turn) };
      case 'openai-responses':
        return stream ? { kind: 'sse', frames: responsesTurnStream(model, turn) } : { kind: 'json', body: responsesTurnResponse(model, turn) };
      default: {
        const unexpected: never = format;
        throw new Error(`unknown format ${String(unexpected)}`);
      }
    }
  };
}

function scriptedTurn(format: ProviderFormat, step: ReturnType<typeof stepOf>): ScriptedTurn {
  switch (step) {
    case 'tool-call':
      return {
        reasoning,
        encryptedReasoning,
        text: 'I will run the command.',
        toolCall: { id: toolCallId[format], name: 'Bash', argumentPieces: ['{"command":', JSON.stringify(proofCommand), ',"description":"Write the proof file"}'] },
        usage: largeContextUsage,
      };
    case 'final':
      return { text: finalAnswer(format), usage: largeContextUsage };
    case 'compaction':
      return { text: `<analysis>The conversation ran a Bash command.</analysis>\n\n<summary>\n${summaryText}\n</summary>`, usage: smallUsage };
    case 'after-compaction':
      return { text: answerAfterCompaction(format), usage: smallUsage };
    case 'side':
      return { text: 'Side answer.', usage: smallUsage };
    default: {
      const unexpected: never = step;
      throw new Error(`unknown step ${String(unexpected)}`);
    }
  }
}
