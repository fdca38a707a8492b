import { isClaudeCodeCompaction } from './claude-code-compaction.js';
import { cleanClientValue } from './client-value.js';
import { extractSessionId, headerValue, isObject } from './session-id.js';
import type { TraceRequestKind } from './trace-record.js';

/** What a request is for: the trace line's `kind` (see trace-record.ts). */
export type RequestKind = TraceRequestKind;

/** Who sent a request within a coding agent's session, and why. Every value is cleaned for a trace line (cleanClientValue). */
export interface ClientIdentity {
  session?: string;
  /** The (sub)agent: Claude Code's agent id, Codex's agent path (`/root/worker_1`). Absent for Claude Code's main agent. */
  agent?: string;
  /** The agent that started it: Claude Code's parent agent id, Codex's parent agent path (or parent thread id). */
  parentAgent?: string;
  kind: RequestKind;
}

type Headers = Record<string, string | string[] | undefined>;

/**
 * Reads the session, agent, parent agent and request kind from what the
 * clients send (checked against Claude Code 2.1.330 and Codex 0.169):
 *
 * - Claude Code: `x-claude-code-session-id` (and `metadata.user_id`);
 *   subagent requests carry `x-claude-code-agent-id`, nested ones also
 *   `x-claude-code-parent-agent-id`; the main agent sends neither. With
 *   `CLAUDE_CODE_GATEWAY_HINT_HEADERS=1` it adds `x-claude-code-request-class`
 *   (`main`, `subagent`, `compaction`, `auxiliary`...). Compaction requests are
 *   otherwise recognised by their prompt (claude-code-compaction.ts).
 * - Codex: `session-id` (shared by the root and its spawned agents),
 *   `x-codex-turn-metadata` JSON with `agent_name` (`/root`,
 *   `/root/worker_1`), `request_kind` (`turn`, `compaction`, `prewarm`,
 *   `memory`) and, for a spawned agent, `parent_thread_id` (also the header
 *   `x-codex-parent-thread-id`); `x-openai-subagent` names internal sub-agents
 *   (`compact`, `review`, `collab_spawn`...).
 */
export function identifyClient(headers: Headers, body: unknown): ClientIdentity {
  const metadata = codexTurnMetadata(headers);
  const identity: ClientIdentity = { kind: requestKind(headers, metadata, body) };
  const session = extractSessionId(headers, body);
  if (session !== undefined) identity.session = session;
  const agent = headerValue(headers, 'x-claude-code-agent-id') ?? cleanClientValue(metadata?.agent_name);
  if (agent !== undefined) identity.agent = agent;
  const parent = headerValue(headers, 'x-claude-code-parent-agent-id') ?? parentAgentPath(agent, metadata) ?? headerValue(headers, 'x-codex-parent-thread-id') ?? cleanClientValue(metadata?.parent_thread_id);
  if (parent !== undefined) identity.parentAgent = parent;
  return identity;
}

const codexKinds: Record<string, RequestKind> = { turn: 'turn', compaction: 'compaction', prewarm: 'prewarm', memory: 'memory' };
const codexSubagentKinds: Record<string, RequestKind> = { compact: 'compaction', memory_consolidation: 'memory' };
const claudeCodeClasses: Record<string, RequestKind> = { compaction: 'compaction', auxiliary: 'auxiliary' };

function requestKind(headers: Headers, metadata: Record<string, unknown> | undefined, body: unknown): RequestKind {
  const codexKind = lookUp(codexKinds, metadata?.request_kind) ?? lookUp(codexSubagentKinds, headerValue(headers, 'x-openai-subagent'));
  if (codexKind !== undefined) return codexKind;
  const claudeCodeKind = lookUp(claudeCodeClasses, headerValue(headers, 'x-claude-code-request-class'));
  if (claudeCodeKind !== undefined) return claudeCodeKind;
  if (headers['x-claude-code-compaction'] !== undefined || isClaudeCodeCompaction(body)) return 'compaction';
  return 'turn';
}

/** The table's entry for a client-sent value; own entries only, so `constructor` or `__proto__` find nothing. */
function lookUp(table: Record<string, RequestKind>, value: unknown): RequestKind | undefined {
  return typeof value === 'string' && Object.hasOwn(table, value) ? table[value] : undefined;
}

/** Codex's per-request metadata header, parsed; undefined when absent or not a JSON object. */
function codexTurnMetadata(headers: Headers): Record<string, unknown> | undefined {
  const raw = headers['x-codex-turn-metadata'];
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (text === undefined || !text.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A Codex agent path's parent (`/root/task1/task_3` -> `/root/task1`): the name the parent's own requests carry. */
function parentAgentPath(agent: string | undefined, metadata: Record<string, unknown> | undefined): string | undefined {
  if (metadata?.agent_name === undefined || agent === undefined || !agent.startsWith('/')) return undefined;
  const slash = agent.lastIndexOf('/');
  return slash > 0 ? agent.slice(0, slash) : undefined;
}
