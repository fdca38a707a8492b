import { bodyObject, isObject, requestConversation, responseConversation, type ConversationPart, type ConversationTurn } from '../../traces/trace-conversation.js';
import type { TraceRecord } from '../../traces/trace-record.js';
import { consoleUrl, html, type SafeHtml } from '../html.js';
import { formatCost, formatCount, formatMs, formatTime } from './format.js';

/** Texts longer than this start collapsed (Claude Code's system prompt is some 15 000 characters). */
const collapseChars = 2000;

/** Header names whose values are never shown: credentials, cookies, anything called a token, secret or key. */
const secretHeader = /^(authorization|proxy-authorization|cookie|set-cookie)$|api[-_]?key|token|secret|password|credential|session[-_]?key/i;

/**
 * One trace line rendered: routing and timings, the attempts, the prompt as
 * a conversation and the answer, in whichever of the three wire formats the
 * client spoke. Every text comes from the trace and goes through `html`,
 * so a prompt holding markup shows as text.
 */
export function requestView(record: TraceRecord): SafeHtml {
  const extra = record as TraceRecord & Record<string, unknown>;
  const cost = isObject(extra.cost) && typeof extra.cost.usd === 'number' ? extra.cost.usd : typeof extra.cost === 'number' ? extra.cost : null;
  const failed = record.status >= 400 || record.error !== null;
  return html`<h1>Request <code>${record.id}</code> <span class="status ${failed ? 'bad' : 'good'}">${record.status}</span></h1>
<dl class="facts">
  <dt>Time</dt><dd>${formatTime(Date.parse(record.ts))} UTC</dd>
  <dt>Latency</dt><dd>${formatMs(record.duration_ms)}; first token ${formatMs(record.ttft_ms)}; upstream headers ${formatMs(record.upstream_ms)}</dd>
  <dt>Key · profile</dt><dd>${record.key ?? '–'} · ${record.profile ?? '–'}</dd>
  <dt>Route</dt><dd><span class="model">${record.model ?? '?'}</span> → ${record.rule ? html`rule ${record.rule.index === 'default' ? 'default' : `#${record.rule.index}`} <span class="rule">${record.rule.match}</span>` : 'no rule'} → ${record.provider ? `${record.provider}/${record.upstream_model ?? '?'} (${record.upstream_format ?? '?'})` : 'no upstream call'}</dd>
  <dt>Client</dt><dd>${record.inbound.format} <code>${record.inbound.path}</code>, ${record.stream ? 'streamed' : 'not streamed'}${typeof record.max_tokens === 'number' ? `, max_tokens ${record.max_tokens}` : ''}</dd>
  ${record.session === null ? '' : html`<dt>Session</dt><dd><a href="${consoleUrl(`/ui/sessions/${encodeURIComponent(record.session)}`)}"><code>${record.session}</code></a>${typeof extra.agent === 'string' ? html` · agent <code>${extra.agent}</code>` : ''}${typeof extra.parent_agent === 'string' ? html` (started by <code>${extra.parent_agent}</code>)` : ''}${typeof extra.kind === 'string' ? html` · ${extra.kind}` : ''}</dd>`}
  <dt>Usage</dt><dd>${usageText(record)}</dd>
  <dt>Cost</dt><dd>${formatCost(cost)}</dd>
  <dt>Stop reason</dt><dd>${record.stop_reason ?? '–'}</dd>
  <dt>Config</dt><dd><code>${record.config}</code></dd>
  <dt>Headers</dt><dd>${headersOf(record)}</dd>
</dl>
${record.error ? html`<div class="error-box" role="alert"><strong>${record.error.code}</strong> (${record.error.type}): ${record.error.message}</div>` : ''}
${record.warnings.length > 0 ? html`<h2>Warnings</h2><ul class="warnings">${record.warnings.map((warning) => html`<li>${warning}</li>`)}</ul>` : ''}
${record.attempts && record.attempts.length > 0
  ? html`<h2>Attempts</h2><table class="attempts"><thead><tr><th>#</th><th>Target</th><th>Status</th><th>Error</th><th class="num">Took</th></tr></thead><tbody>
  ${record.attempts.map((attempt, index) => html`<tr><td>${index + 1}</td><td>${attempt.target}</td><td>${attempt.status ?? 'no response'}</td><td>${attempt.error ?? '–'}</td><td class="num">${formatMs(attempt.duration_ms)}</td></tr>`)}
  </tbody></table>`
  : ''}
<h2>Prompt</h2>
${bodySection(record.request, (body) => requestConversation(record.inbound.format, body), toolNames(record.request))}
<h2>Answer</h2>
${bodySection(record.response, (body) => responseConversation(record.inbound.format, body), null)}
<details class="raw"><summary>The trace line as JSON</summary><pre>${JSON.stringify(withoutSecretHeaders(record), null, 2)}</pre></details>`;
}

function usageText(record: TraceRecord): string {
  const usage = record.usage;
  if (!usage) return '–';
  const parts = [`${formatCount(usage.input)} in`];
  if (usage.cache_read) parts.push(`${formatCount(usage.cache_read)} of them read from cache`);
  if (usage.cache_write) parts.push(`${formatCount(usage.cache_write)} written to cache`);
  parts.push(`${formatCount(usage.output)} out`);
  if (usage.reasoning) parts.push(`${formatCount(usage.reasoning)} of them reasoning`);
  return parts.join(', ');
}

/** What the trace keeps of the client's headers: the user agent, and a `headers` map (minus credentials) if the line has one. */
function headersOf(record: TraceRecord): SafeHtml {
  const headers = (record as TraceRecord & { headers?: unknown }).headers;
  const entries: Array<[string, string]> = [['user-agent', record.user_agent ?? '–']];
  if (isObject(headers)) for (const [name, value] of Object.entries(headers)) if (!secretHeader.test(name) && name !== 'user-agent') entries.push([name, String(value)]);
  return html`${entries.map(([name, value]) => html`<code>${name}: ${value}</code> `)}`;
}

function withoutSecretHeaders(record: TraceRecord): TraceRecord {
  const headers = (record as TraceRecord & { headers?: unknown }).headers;
  if (!isObject(headers)) return record;
  return { ...record, headers: Object.fromEntries(Object.entries(headers).filter(([name]) => !secretHeader.test(name))) } as TraceRecord;
}

function toolNames(body: unknown): string[] | null {
  if (!isObject(body) || !Array.isArray(body.tools)) return null;
  return body.tools.filter(isObject).map((tool) => {
    const fn = isObject(tool.function) ? tool.function : tool;
    return String(fn.name ?? tool.type ?? '?');
  });
}

function bodySection(body: unknown, walk: (body: Record<string, unknown>) => ConversationTurn[], tools: string[] | null): SafeHtml {
  if (body === undefined) return html`<p class="muted">Not in the trace (<code>capture: metadata</code>).</p>`;
  if (body === null) return html`<p class="muted">None.</p>`;
  if (isObject(body) && body.truncated === true) {
    const text = typeof body.text === 'string' ? body.text : '';
    return html`<p class="muted">${formatCount(Number(body.original_bytes))} bytes, ${text === '' ? 'dropped while the trace queue was full' : 'truncated at traces.max_body_kb; its start follows'}.</p>${text === '' ? '' : html`<pre class="text">${text}</pre>`}`;
  }
  const object = bodyObject(body);
  const turns = object ? walk(object) : [];
  if (turns.length === 0) return html`<pre class="text">${JSON.stringify(body, null, 2)}</pre>`;
  return html`${tools && tools.length > 0 ? html`<details class="tools"><summary>${tools.length} tool${tools.length === 1 ? '' : 's'} offered</summary><p>${tools.join(', ')}</p></details>` : ''}
<div class="conversation">${turns.map(turnView)}</div>`;
}

function turnView(turn: ConversationTurn): SafeHtml {
  return html`<section class="turn role-${turn.role.replace(/[^a-z]/g, '')}"><h3>${turn.role}</h3>${turn.parts.map((part) => partView(part, turn.role))}</section>`;
}

function partView(part: ConversationPart, role: string): SafeHtml {
  switch (part.kind) {
    case 'text':
      return role === 'system' || part.text.length > collapseChars
        ? html`<details class="text"${part.text.length <= collapseChars ? html` open` : ''}><summary>${role === 'system' ? 'System prompt' : 'Text'} (${formatCount(part.text.length)} characters)</summary><pre class="text">${part.text}</pre></details>`
        : html`<pre class="text">${part.text}</pre>`;
    case 'reasoning':
      return part.hidden
        ? html`<p class="reasoning muted">Reasoning (${part.hidden})</p>`
        : html`<details class="reasoning"><summary>Thinking (${formatCount(part.text.length)} characters)</summary><pre class="text">${part.text}</pre></details>`;
    case 'tool_call':
      return html`<div class="tool-call"><span class="badge">tool call</span> <code>${part.name}</code> <span class="muted">${part.id}</span><pre class="text">${prettyJson(part.input)}</pre></div>`;
    case 'tool_result':
      return html`<details class="tool-result"${part.text.length <= collapseChars ? html` open` : ''}><summary><span class="badge${part.error ? ' bad' : ''}">tool result${part.error ? ', error' : ''}</span> <span class="muted">${part.id}</span></summary><pre class="text">${part.text}</pre></details>`;
    case 'refusal':
      return html`<p class="refusal"><span class="badge bad">refusal</span> ${part.text}</p>`;
    case 'other':
      return html`<p class="muted">[${part.type}]</p>`;
    default: {
      const unhandled: never = part;
      return unhandled;
    }
  }
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
