#!/usr/bin/env node
// @ts-check
/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): the functions with the
 * most self time, self time grouped by where the code lives (the gateway's
 * own dist/ files, each package in node_modules, Node's internals, GC), and
 * the gateway's own functions by total time (themselves and what they call).
 *
 * The profiler samples wall-clock time on the JS thread: on a busy machine a
 * syscall that wakes another process (`writev` on a loopback socket) also
 * collects the time this process waited to get the CPU back. Compare such
 * native entries between processes of the same run, not across runs.
 *
 * Usage: node bench/profile-summary.js FILE.cpuprofile [--top N]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '30' } }, allowPositionals: true });
const file = positionals[0];
if (!file) {
  process.stderr.write('Usage: node bench/profile-summary.js FILE.cpuprofile [--top N]\n');
  process.exit(1);
}

/**
 * @typedef {{ id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }} ProfileNode
 * @type {{ nodes: ProfileNode[], samples: number[], timeDeltas: number[], startTime: number, endTime: number }}
 */
const profile = JSON.parse(readFileSync(file, 'utf8'));
/** @type {Map<number, ProfileNode>} */
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
/** @type {Map<number, number>} */
const parentOf = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
/** @type {Map<number, number>} self microseconds per node id */
const selfTime = new Map();
profile.samples.forEach((id, index) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));

let total = 0;
/** @type {Map<string, number>} */
const byFunction = new Map();
/** @type {Map<string, number>} */
const byPlace = new Map();
for (const [id, micros] of selfTime) {
  const frame = nodes.get(id)?.callFrame;
  if (!frame) continue;
  total += micros;
  if (frame.functionName === '(idle)' || frame.functionName === '(program)' || frame.functionName === '(garbage collector)') {
    add(byPlace, frame.functionName, micros);
    add(byFunction, frame.functionName, micros);
    continue;
  }
  add(byFunction, `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`, micros);
  add(byPlace, place(frame.url), micros);
}
const busy = total - (byPlace.get('(idle)') ?? 0);

/** @type {Map<string, number>} total (inclusive) microseconds of the gateway's own functions, each counted once per stack */
const inclusive = new Map();
for (const [id, micros] of selfTime) {
  /** @type {Set<string>} */
  const seen = new Set();
  for (let current = /** @type {number | undefined} */ (id); current !== undefined; current = parentOf.get(current)) {
    const frame = nodes.get(current)?.callFrame;
    if (!frame || !frame.url.includes('/dist/') || frame.url.includes('node_modules/')) continue;
    seen.add(`${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`);
  }
  for (const key of seen) add(inclusive, key, micros);
}

/**
 * @param {Map<string, number>} map
 * @param {string} key
 * @param {number} micros
 */
function add(map, key, micros) {
  map.set(key, (map.get(key) ?? 0) + micros);
}

/** @param {string} url */
function shortUrl(url) {
  if (url === '') return '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '');
}

/** @param {string} url */
function place(url) {
  if (url === '') return '(native: V8 builtins, C++)';
  if (url.startsWith('node:')) return 'node: internals';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return `node_modules/${rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1).split('/').slice(0, 2).join('/');
  return url;
}

/** @param {number} micros */
const share = (micros) => `${((micros / busy) * 100).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(7)} ms`;
const top = Number(values.top);
process.stdout.write(`${file}\nbusy ${(busy / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms sampled (shares below are of busy time)\n\nSelf time by place:\n`);
for (const [key, micros] of [...byPlace].filter(([key]) => key !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, 20)) process.stdout.write(`${share(micros)}  ${key}\n`);
process.stdout.write(`\nTop ${top} functions by self time:\n`);
for (const [key, micros] of [...byFunction].filter(([key]) => key !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${share(micros)}  ${key}\n`);
if (inclusive.size > 0) {
  process.stdout.write(`\nTop ${top} functions of dist/ by total time (self and callees):\n`);
  for (const [key, micros] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${share(micros)}  ${key}\n`);
}
