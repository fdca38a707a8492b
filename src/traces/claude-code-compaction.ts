import { isObject } from './session-id.js';

/**
 * Claude Code's compact prompt, as its 2.1.330 binary holds it: the request
 * that asks the model to summarise the conversation ends with a user message
 * opening "CRITICAL: Respond with TEXT ONLY. Do NOT call any tools." and
 * going on "Your task is to create a detailed summary of the conversation so
 * far" (full compaction), "...of the RECENT portion of the conversation"
 * (partial) or "...of this conversation" (session memory). Older versions
 * sent the same sentence with the system prompt "You are a helpful AI
 * assistant tasked with summarizing conversations.", which 2.1.330 still uses
 * when its cache-sharing compaction falls back. No header marks the request
 * unless CLAUDE_CODE_GATEWAY_HINT_HEADERS is set (see client-identity.ts).
 */
const summaryTask = 'Your task is to create a detailed summary of ';
const summarizerSystemPrompt = 'You are a helpful AI assistant tasked with summarizing conversations.';

/** Whether an Anthropic Messages request body is Claude Code's compaction request. */
export function isClaudeCodeCompaction(body: unknown): boolean {
  if (!isObject(body) || !Array.isArray(body.messages)) return false;
  const last = lastTurn(body.messages);
  if (!isObject(last) || last.role !== 'user') return false;
  if (textOf(last.content).some((text) => text.includes(summaryTask))) return true;
  return textOf(body.system).some((text) => text.startsWith(summarizerSystemPrompt)) && textOf(last.content).length > 0;
}

/**
 * The last message that is not a `role: "system"` one: with its default model Claude Code may end a
 * request with a system message (environment, deferred tools) after the user's.
 */
function lastTurn(messages: unknown[]): unknown {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index];
    if (!isObject(message) || message.role !== 'system') return message;
  }
  return undefined;
}

/** The texts of a string or of the text blocks of a content array. */
function textOf(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content)) return [];
  const texts: string[] = [];
  for (const block of content) if (isObject(block) && block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
  return texts;
}
