// @ts-check
/**
 * Result rows, their targets, the Markdown table and the machine description.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * One line of the result table. `direct`, `floor` and `gateway` are measured
 * values in `unit` (null where that column does not apply). `vsDirect` is
 * gateway ÷ direct. `vsFloor` compares with the floor, or with the gateway
 * with traces off for the tracing rows: for latencies it is the latency the
 * gateway adds over direct divided by the latency the floor (or traces-off
 * gateway) adds; for everything else a plain ratio.
 * @typedef {object} Row
 * @property {string} id stable key in the JSON result
 * @property {string} label
 * @property {string} unit
 * @property {number | null} direct
 * @property {number | null} floor
 * @property {number | null} gateway
 * @property {number | null} vsDirect
 * @property {number | null} vsFloor
 * @property {'added' | 'ratio' | 'traces-off added' | 'traces-off ratio' | null} vsFloorKind
 * @property {string | null} target the target in words, or null when the row is for information
 * @property {boolean | null} pass
 * @property {string} [note]
 */

/** @param {number | null} a @param {number | null} b */
const ratio = (a, b) => (a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b) || b === 0 ? null : a / b);

/**
 * A latency row: absolute values per column; `vsFloor` compares added latencies.
 * @param {string} id
 * @param {string} label
 * @param {{ direct: number, floor?: number | null, gateway: number, floorKind?: 'added' | 'traces-off added' }} values
 * @param {{ maxAddedVsFloor?: number, maxAddedMs?: number }} [target]
 * @returns {Row}
 */
export function latencyRow(id, label, values, target = {}) {
  const floor = values.floor ?? null;
  const added = values.gateway - values.direct;
  const vsFloor = floor === null ? null : ratio(added, floor - values.direct);
  /** @type {string | null} */
  let targetText = null;
  /** @type {boolean | null} */
  let pass = null;
  if (target.maxAddedVsFloor !== undefined) {
    targetText = `added ≤ ${target.maxAddedVsFloor}× floor's added`;
    pass = vsFloor !== null && vsFloor <= target.maxAddedVsFloor;
  } else if (target.maxAddedMs !== undefined) {
    targetText = `added < ${target.maxAddedMs} ms`;
    pass = added < target.maxAddedMs;
  }
  return { id, label, unit: 'ms', direct: values.direct, floor, gateway: values.gateway, vsDirect: ratio(values.gateway, values.direct), vsFloor, vsFloorKind: floor === null ? null : values.floorKind ?? 'added', target: targetText, pass, note: `added ${fixed(added)} ms${floor === null ? '' : `; floor added ${fixed(floor - values.direct)} ms`}` };
}

/**
 * A row of plain ratios (throughput, memory, CPU, counts).
 * @param {string} id
 * @param {string} label
 * @param {string} unit
 * @param {{ direct?: number | null, floor?: number | null, gateway: number, floorKind?: 'ratio' | 'traces-off ratio' }} values
 * @param {{ text: string, pass: boolean } | null} [target]
 * @param {string} [note]
 * @returns {Row}
 */
export function ratioRow(id, label, unit, values, target = null, note) {
  const direct = values.direct ?? null;
  const floor = values.floor ?? null;
  return {
    id,
    label,
    unit,
    direct,
    floor,
    gateway: values.gateway,
    vsDirect: ratio(values.gateway, direct),
    vsFloor: ratio(values.gateway, floor),
    vsFloorKind: floor === null ? null : values.floorKind ?? 'ratio',
    target: target?.text ?? null,
    pass: target ? target.pass : null,
    ...(note === undefined ? {} : { note }),
  };
}

/** @param {number | null | undefined} value */
function fixed(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** @param {Row} row */
function vsFloorCell(row) {
  if (row.vsFloor === null) return '—';
  const suffix = row.vsFloorKind === 'added' ? ' (added)' : row.vsFloorKind === 'traces-off added' ? ' (added, vs traces off)' : row.vsFloorKind === 'traces-off ratio' ? ' (vs traces off)' : '';
  return `${row.vsFloor.toFixed(2)}×${suffix}`;
}

/**
 * @param {Row[]} rows
 * @returns {string}
 */
export function markdownTable(rows) {
  const lines = ['| metric | unit | direct | floor | gateway | gateway ÷ direct | vs floor | target | result |', '|---|---|--:|--:|--:|--:|--:|---|---|'];
  for (const row of rows) {
    const result = row.pass === null ? 'info' : row.pass ? 'PASS' : '**MISS**';
    lines.push(`| ${row.label} | ${row.unit} | ${fixed(row.direct)} | ${fixed(row.floor)} | ${fixed(row.gateway)} | ${row.vsDirect === null ? '—' : `${row.vsDirect.toFixed(2)}×`} | ${vsFloorCell(row)} | ${row.target ?? ''} | ${result} |`);
  }
  return lines.join('\n');
}

/** The machine, as docs/performance.md describes it. */
export function describeMachine() {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1]) cpuModel = match[1].trim();
  } catch {
    // Not Linux: os.cpus() has the model.
  }
  return {
    cpu: cpuModel,
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memoryMiB: Math.round(os.totalmem() / 1024 / 1024),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

/** The machine's load right now: load averages and the `uptime` line. */
export function machineLoad() {
  let uptime = '';
  try {
    uptime = execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    // No uptime binary; the load averages say enough.
  }
  const [one = 0, five = 0, fifteen = 0] = os.loadavg();
  return { at: new Date().toISOString(), loadavg: [one, five, fifteen].map((value) => Math.round(value * 100) / 100), uptime };
}
