import { describe, expect, it } from 'vitest';
import { sessionTimeline, type TimelineEntry } from '../../src/console/trace-queries.js';
import { html } from '../../src/console/html.js';
import type { IndexedLine } from '../../src/traces/index-segment.js';

function line(id: string, minute: number, agent: string | null, parent: string | null): IndexedLine {
  return {
    tsMs: Date.UTC(2026, 10, 24, 7, minute),
    id,
    durationMs: 100,
    ttftMs: 10,
    status: 200,
    error: false,
    stream: true,
    inputTokens: 1,
    outputTokens: 1,
    costUsd: null,
    text: { key: 'alice', profile: 'main', model: 'm', upstream_model: 'm', provider: 'mock', session: 's', agent, parent_agent: parent, kind: null, rule: 'm' },
  };
}

/** The tree as nested ids: `id` or `id[agent: ...]`. */
function shape(entries: TimelineEntry[]): unknown[] {
  return entries.map((entry) => (entry.children.length === 0 ? entry.request.id : { [entry.request.id]: entry.children.map((child) => ({ [child.agent]: shape(child.entries) })) }));
}

describe('sessionTimeline', () => {
  it('is flat and in start order without agent fields', () => {
    expect(shape(sessionTimeline([line('b', 2, null, null), line('a', 1, null, null), line('c', 3, null, null)]))).toEqual(['a', 'b', 'c']);
  });

  it('nests Claude Code subagents under the main agent’s request that started them, and nested subagents under theirs', () => {
    const requests = [
      line('main-1', 1, null, null),
      line('main-2', 2, null, null),
      line('explore-1', 3, 'explore', null),
      line('deep-1', 4, 'deep', 'explore'),
      line('explore-2', 5, 'explore', null),
      line('main-3', 6, null, null),
    ];
    expect(shape(sessionTimeline(requests))).toEqual(['main-1', { 'main-2': [{ explore: [{ 'explore-1': [{ deep: ['deep-1'] }] }, 'explore-2'] }] }, 'main-3']);
  });

  it('roots Codex agent paths at /root, and hangs agents whose parents name each other under the main agent', () => {
    const codex = [line('root-1', 1, '/root', null), line('worker-1', 2, '/root/worker_1', '/root'), line('root-2', 3, '/root', null)];
    expect(shape(sessionTimeline(codex))).toEqual([{ 'root-1': [{ '/root/worker_1': ['worker-1'] }] }, 'root-2']);
    const loop = [line('main', 1, null, null), line('x', 2, 'x', 'y'), line('y', 3, 'y', 'x')];
    expect(shape(sessionTimeline(loop))).toEqual([{ main: [{ x: [{ x: [{ y: ['y'] }] }] }] }]);
  });
});

describe('html', () => {
  it('escapes every interpolated value, so trace text never becomes markup', () => {
    const prompt = '<script>alert("x")</script><img src=x onerror=\'y\'> & more';
    expect(html`<p title="${prompt}">${prompt}</p>`.text).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=&#39;y&#39;&gt; &amp; more">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=&#39;y&#39;&gt; &amp; more</p>',
    );
    expect(html`<ul>${['<a>', html`<li>${'<b>'}</li>`]}</ul>`.text).toBe('<ul>&lt;a&gt;<li>&lt;b&gt;</li></ul>');
  });
});
