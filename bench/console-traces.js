#!/usr/bin/env node
// @ts-check
/**
 * `node bench/console-traces.js`: how the web console holds up on a large
 * traces folder. Generates about 1 GB of trace files (rotated plain and
 * gzipped files and a current traces.jsonl, full bodies like Claude Code's),
 * starts a gateway with the console on over it, and times the console's
 * pages over HTTP: the first (which builds the index), then each page again.
 * Prints a Markdown table; docs/console.md has the numbers of this machine.
 *
 * Usage: node bench/console-traces.js [--gb N] [--metadata] [--keep DIR]
 *   --gb N        size of the folder on disk (default 1)
 *   --metadata    lines without bodies (capture: metadata): many more, smaller lines
 *   --keep DIR    generate into DIR and leave it (default: a temporary folder, removed)
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import { stringify } from 'yaml';
import { processUsage, startGatewayProcess } from './lib/processes.js';

const { values: options } = parseArgs({ options: { gb: { type: 'string', default: '1' }, metadata: { type: 'boolean', default: false }, keep: { type: 'string' } }, strict: true });
const targetBytes = Number(options.gb) * 1024 ** 3;
const adminSecret = 'sb-bench-console-admin-0123456789abcdef';

const keys = ['alice', 'bob', 'ci-agent', 'carol', 'dave'];
const providers = [
  ['anthropic', 'claude-sonnet-4-5', 'claude-sonnet-4-5-20250929'],
  ['deepseek', 'claude-sonnet-4-5', 'deepseek-reasoner'],
  ['deepseek', 'claude-haiku-4-5', 'deepseek-chat'],
  ['openai', 'gpt-5', 'gpt-5'],
];
const words = 'the gateway routes each request by the rules of the key profile and writes one trace line per request with the prompt and the answer'.split(' ');

/** Deterministic pseudo-random numbers, so two runs generate the same folder. */
let seed = 42;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = (/** @type {readonly any[]} */ list) => list[Math.floor(random() * list.length)];
const text = (/** @type {number} */ length) => {
  let out = '';
  while (out.length < length) out += `${pick(words)} `;
  return out.slice(0, length);
};

/** One trace line; a session's requests share an id, and a few are a subagent's. */
function traceLine(/** @type {number} */ time, /** @type {{ id: string, key: string }} */ session) {
  const [provider, model, upstream] = pick(providers);
  const failed = random() < 0.05;
  const big = random() < 0.3;
  const agent = random() < 0.2 ? 'agent-explore' : null;
  const record = {
    ts: new Date(time).toISOString(),
    id: randomUUID(),
    duration_ms: Math.round(200 + random() * 20_000),
    ttft_ms: Math.round(100 + random() * 2000),
    upstream_ms: Math.round(80 + random() * 1500),
    key: session.key,
    profile: 'team',
    rule: { index: 0, match: model },
    config: 'a1b2c3d4e5f6@0123abc',
    session: session.id,
    agent,
    parent_agent: null,
    kind: 'turn',
    user_agent: 'claude-cli/2.1.330 (external, cli)',
    inbound: { format: 'anthropic', path: '/anthropic/v1/messages' },
    model,
    max_tokens: 32000,
    provider,
    upstream_model: upstream,
    upstream_format: provider === 'openai' ? 'openai-responses' : provider === 'deepseek' ? 'openai-chat' : 'anthropic',
    stream: true,
    status: failed ? 529 : 200,
    error: failed ? { type: 'overloaded_error', code: 'SB_UPSTREAM_HTTP', message: 'Overloaded' } : null,
    stop_reason: failed ? null : 'end_turn',
    usage: failed ? null : { input: Math.round(1000 + random() * 50_000), output: Math.round(10 + random() * 2000), cache_read: 0, cache_write: 0, reasoning: 0 },
    warnings: [],
    cost: failed ? null : { usd: Math.round(random() * 10_000) / 100_000, input: 0, output: 0, cache_read: 0, cache_write: 0 },
  };
  if (options.metadata) return `${JSON.stringify(record)}\n`;
  const request = { model, max_tokens: 32000, stream: true, system: [{ type: 'text', text: text(big ? 12_000 : 800) }], messages: [{ role: 'user', content: [{ type: 'text', text: text(big ? 40_000 : 600) }] }] };
  const response = { id: 'msg_1', type: 'message', role: 'assistant', model, content: [{ type: 'text', text: text(big ? 4000 : 300) }], stop_reason: 'end_turn' };
  return `${JSON.stringify(record).slice(0, -1)},"request":${JSON.stringify(request)},"response":${JSON.stringify(response)}}\n`;
}

const compact = (/** @type {number} */ time) => new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');

/** Writes the folder: twelve files of a tenth of the size each, the two oldest gzipped (so about the size on disk), the newest traces.jsonl. */
async function generate(/** @type {string} */ dir) {
  await mkdir(dir, { recursive: true });
  const files = 12;
  const perFile = targetBytes / 10;
  let time = Date.UTC(2026, 10, 1);
  let written = 0;
  let lines = 0;
  /** @type {string[]} */
  const sampleIds = [];
  for (let file = 0; file < files; file++) {
    const first = time;
    const name = file === files - 1 ? 'traces.jsonl' : `traces-${file}.tmp`;
    const out = createWriteStream(path.join(dir, name));
    let bytes = 0;
    let session = { id: randomUUID(), key: pick(keys), left: 30 };
    while (bytes < perFile) {
      if (session.left-- <= 0) session = { id: randomUUID(), key: pick(keys), left: 10 + Math.floor(random() * 40) };
      time += 500 + Math.floor(random() * 2000);
      const line = traceLine(time, session);
      if (lines % 50_000 === 7) sampleIds.push(JSON.parse(line.slice(0, line.indexOf(',"duration_ms"')) + '}').id);
      bytes += Buffer.byteLength(line);
      lines++;
      if (!out.write(line)) await new Promise((resolve) => out.once('drain', resolve));
    }
    await new Promise((resolve) => out.end(resolve));
    written += bytes;
    if (file < files - 1) {
      const rotated = `traces-${compact(first)}_${compact(time)}.jsonl`;
      const { rename } = await import('node:fs/promises');
      if (file < 2) {
        // Gzipped files compress this repetitive text some 50 times: they stand for far more than their size on disk.
        const { createReadStream } = await import('node:fs');
        await pipeline(createReadStream(path.join(dir, name)), createGzip({ level: 1 }), createWriteStream(path.join(dir, `${rotated}.gz`)));
        await rm(path.join(dir, name));
      } else {
        await rename(path.join(dir, name), path.join(dir, rotated));
      }
    }
    process.stderr.write(`[console-traces] file ${file + 1}/${files}, ${Math.round(written / 1024 ** 2)} MiB of lines so far\n`);
  }
  return { lines, uncompressedBytes: written, sampleIds, lastTime: time };
}

async function folderBytes(/** @type {string} */ dir) {
  const { readdir } = await import('node:fs/promises');
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(path.join(dir, name))).size;
  return total;
}

/**
 * One page view: the time until the whole page arrived, and the gateway's CPU time for it (which
 * other work on the machine does not inflate the way it does the wall time).
 * @param {string} url
 * @param {number} pid the gateway's
 */
async function timed(url, pid, allowNotFound = false) {
  const cpuBefore = processUsage(pid)?.cpuSeconds ?? NaN;
  const started = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${adminSecret}` } });
  const body = await response.text();
  const ms = performance.now() - started;
  const cpuMs = ((processUsage(pid)?.cpuSeconds ?? NaN) - cpuBefore) * 1000;
  if (response.status !== 200 && !(allowNotFound && response.status === 404)) throw new Error(`${url}: HTTP ${response.status}: ${body.slice(0, 300)}`);
  return { ms, cpuMs, body };
}

/** @param {number[]} values */
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function main() {
  const work = options.keep ?? (await mkdtemp(path.join(os.tmpdir(), 'switchboard-console-traces-')));
  const tracesDir = path.join(work, 'traces');
  /** @type {{ stop(): Promise<void>, url: string, child: import('node:child_process').ChildProcess } | undefined} */
  let gateway;
  try {
    const generated = await generate(tracesDir);
    const onDisk = await folderBytes(tracesDir);
    await mkdir(path.join(work, 'profiles'), { recursive: true });
    await writeFile(
      path.join(work, 'gateway.yaml'),
      stringify({
        providers: { mock: { format: 'mock' } },
        keys: { admin: { sha256: createHash('sha256').update(adminSecret).digest('hex'), profile: 'team', role: 'admin' } },
        // Retention would delete the generated November files as soon as the writer adopts the folder.
        traces: { dir: 'traces', rotate_every: 'never', max_file_mb: 100_000, max_age_days: 3650, max_files: 1000 },
        ui: { enabled: true },
      }),
    );
    await writeFile(path.join(work, 'profiles/team.yaml'), stringify({ rules: [], default: 'mock/echo' }));
    gateway = await startGatewayProcess('gateway (console)', work);
    const base = gateway.url;
    const pages = [
      ['first page view: builds the index', '/ui/requests'],
      ['Requests, newest 100, with charts', '/ui/requests'],
      ['Requests filtered by key and status', '/ui/requests?key=bob&status=error'],
      ['Requests of the last hour of traffic', `/ui/requests?since=${encodeURIComponent(new Date(generated.lastTime - 3_600_000).toISOString())}`],
      ['Sessions, all', '/ui/sessions'],
      [options.metadata ? 'one request in the oldest file (outside the index: not found)' : 'one request in a gzipped file', `/ui/requests/${generated.sampleIds[0]}`],
      ['one request in traces.jsonl', `/ui/requests/${generated.sampleIds.at(-1)}`],
    ];
    const pid = /** @type {number} */ (gateway.child.pid);
    /** @type {Array<[string, number, number]>} */
    const rows = [];
    const measure = async (/** @type {string} */ label, /** @type {string} */ url) => {
      const views = [];
      // With --metadata the oldest (gzipped) files hold more requests than ui.index_max_requests keeps: their requests are not found.
      for (let run = 0; run < (label.startsWith('first') ? 1 : 5); run++) views.push(await timed(`${base}${url}`, pid, options.metadata));
      rows.push([label, median(views.map((view) => view.ms)), median(views.map((view) => view.cpuMs))]);
      return views[0]?.body ?? '';
    };
    let sessionUrl = '';
    let coverage = '';
    for (const [label, url] of pages) {
      const body = await measure(/** @type {string} */ (label), /** @type {string} */ (url));
      if (url === '/ui/sessions') sessionUrl = /href="(\/ui\/sessions\/[^"]+)"/.exec(body)?.[1] ?? '';
      if (coverage === '') coverage = (/<p class="coverage muted">(.*?)<\/p>/s.exec(body)?.[1] ?? '').replace(/<[^>]+>/g, '');
    }
    if (sessionUrl !== '') await measure('one session’s timeline', sessionUrl);
    const usage = processUsage(pid);
    process.stdout.write(`\n## Console on ${Math.round(onDisk / 1024 ** 2)} MiB of trace files (${generated.lines.toLocaleString('en-US')} requests, ${Math.round(generated.uncompressedBytes / 1024 ** 2)} MiB uncompressed${options.metadata ? ', metadata only' : ''})\n\n`);
    process.stdout.write(`Machine: ${os.cpus()[0]?.model ?? '?'}, ${os.cpus().length} cores, load average ${os.loadavg().map((value) => value.toFixed(1)).join(' ')}\n\n`);
    process.stdout.write(`| page | whole page arrived (ms) | gateway CPU (ms) |\n|---|--:|--:|\n${rows.map(([label, ms, cpuMs]) => `| ${label} | ${ms.toFixed(0)} | ${cpuMs.toFixed(0)} |`).join('\n')}\n\n`);
    process.stdout.write(`Console: ${coverage}\n`);
    process.stdout.write(`Gateway RSS ${Math.round(usage?.rssMiB ?? NaN)} MiB, peak ${Math.round(usage?.peakRssMiB ?? NaN)} MiB. Medians of 5 views; the first view once.\n`);
    return 0;
  } finally {
    await gateway?.stop();
    if (options.keep === undefined) await rm(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();
