import type { FakeReply, RecordedRequest } from '../helpers/fake-provider.js';
import { scriptedTurnReply, type ScriptedTurn } from '../helpers/wire-transcripts.js';

/**
 * The provider's side of a Codex code-mode conversation, in each provider
 * format's own wire shapes: what an upstream request holds (read the way
 * that provider would read it), and the provider's answer. Codex's default
 * model has one tool that matters, `exec` in the `functions` namespace: the
 * model writes JavaScript and Codex runs it, calling its real tools from it.
 * Anthropic and Chat providers see it as the function `functions__exec` with
 * one string parameter `input`; a Responses provider gets Codex's request
 * untouched and answers a `custom_tool_call`.
 */

export type ProviderFormat = 'anthropic' | 'openai-chat' | 'openai-responses';

/** The name `exec` has for each provider format. */
export const execToolName: Record<ProviderFormat, string> = { anthropic: 'functions__exec', 'openai-chat': 'functions__exec', 'openai-responses': 'exec' };

/** What one upstream request holds, whatever its format. */
export interface UpstreamView {
  /** The request declares Codex's `exec` tool. */
  offersExec: boolean;
  /** The JavaScript of every `exec` call in the history, as the provider sees it. */
  execInputs: string[];
  /** Every tool result in the history, as JSON text. */
  toolResults: string[];
  /** The text of the last user turn. */
  lastUserText: string;
  /** Every text of the request (system, messages, tool results), for finding a marker. */
  allText: string;
}

interface Block {
  type?: string;
  text?: string;
  name?: string;
  input?: unknown;
  content?: unknown;
}
interface Message {
  role?: string;
  type?: string;
  content?: unknown;
  tool_calls?: Array<{ function: { name: string; arguments: string } }>;
  name?: string;
  input?: string;
  output?: unknown;
  tools?: Array<{ type?: string; name?: string; tools?: Array<{ name?: string }> }>;
}

const list = (value: unknown): Message[] => (Array.isArray(value) ? (value as Message[]) : []);
const blocks = (content: unknown): Block[] => (Array.isArray(content) ? (content as Block[]) : []);
const textOf = (content: unknown): string => (typeof content === 'string' ? content : blocks(content).map((block) => block.text ?? '').join('\n'));

export function readUpstream(format: ProviderFormat, request: RecordedRequest): UpstreamView {
  const body = request.body;
  switch (format) {
    case 'anthropic': {
      const messages = list(body.messages);
      const all = messages.flatMap((message) => blocks(message.content));
      return {
        offersExec: list(body.tools).some((tool) => tool.name === execToolName.anthropic),
        execInputs: all.filter((block) => block.type === 'tool_use' && block.name === execToolName.anthropic).map((block) => String((block.input as { input?: unknown }).input)),
        toolResults: all.filter((block) => block.type === 'tool_result').map((block) => JSON.stringify(block.content)),
        lastUserText: textOf(messages.filter((message) => message.role === 'user').at(-1)?.content),
        allText: request.rawBody,
      };
    }
    case 'openai-chat': {
      const messages = list(body.messages);
      return {
        offersExec: list(body.tools).some((tool) => (tool as { function?: { name?: string } }).function?.name === execToolName['openai-chat']),
        execInputs: messages.flatMap((message) => message.tool_calls ?? []).filter((call) => call.function.name === execToolName['openai-chat']).map((call) => String((JSON.parse(call.function.arguments) as { input?: unknown }).input)),
        toolResults: messages.filter((message) => message.role === 'tool').map((message) => JSON.stringify(message.content)),
        lastUserText: textOf(messages.filter((message) => message.role === 'user').at(-1)?.content),
        allText: request.rawBody,
      };
    }
    case 'openai-responses': {
      const input = list(body.input);
      return {
        offersExec: input.some((item) => item.type === 'additional_tools' && (item.tools ?? []).some((tool) => tool.name === 'functions' && (tool.tools ?? []).some((member) => member.name === 'exec'))),
        execInputs: input.filter((item) => item.type === 'custom_tool_call' && item.name === 'exec').map((item) => String(item.input)),
        toolResults: input.filter((item) => item.type === 'custom_tool_call_output').map((item) => JSON.stringify(item.output)),
        lastUserText: textOf(input.filter((item) => item.role === 'user').at(-1)?.content),
        allText: request.rawBody,
      };
    }
    default: {
      const unexpected: never = format;
      throw new Error(`unknown format ${String(unexpected)}`);
    }
  }
}

/** One answer of the provider: text, or a call of `exec` with this JavaScript. */
export interface ProviderTurn {
  text?: string;
  execJs?: string;
  callId?: string;
  usage?: ScriptedTurn['usage'];
}

/** Splits text into uneven pieces, as a real stream would deliver it. */
function pieces(text: string): string[] {
  const cut = Math.max(1, Math.floor(text.length / 3));
  return [text.slice(0, 5), text.slice(5, cut), text.slice(cut)].filter((piece) => piece !== '');
}

/** The provider's answer in its own wire format, streamed when the request asked for a stream. */
export function providerReply(format: ProviderFormat, request: RecordedRequest, turn: ProviderTurn): FakeReply {
  const scripted: ScriptedTurn = {};
  if (turn.text !== undefined) scripted.text = turn.text;
  if (turn.usage !== undefined) scripted.usage = turn.usage;
  if (turn.execJs !== undefined) {
    const id = turn.callId ?? 'call_sbCodeMode01';
    scripted.toolCall =
      format === 'openai-responses'
        ? { id, name: 'exec', namespace: 'functions', custom: true, argumentPieces: pieces(turn.execJs) }
        : { id, name: execToolName[format], argumentPieces: pieces(JSON.stringify({ input: turn.execJs })) };
  }
  return scriptedTurnReply(format, request, scripted);
}
