import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TraceRecord } from '../../src/traces/trace-record.js';

/** The lines of the current trace file (`traces.jsonl`) in `tracesDir`. */
export async function readTraceLines(tracesDir: string): Promise<string[]> {
  return (await readFile(path.join(tracesDir, 'traces.jsonl'), 'utf8')).split('\n').filter((line) => line !== '');
}

/** The current trace file's records by request id (the `x-switchboard-request-id` a client got). */
export async function readTraceRecords(tracesDir: string): Promise<Map<string, TraceRecord>> {
  return new Map((await readTraceLines(tracesDir)).map((line) => JSON.parse(line) as TraceRecord).map((record) => [record.id, record]));
}

/** The current trace file's records in the order written; none when no line was written yet. */
export async function readTraceRecordsInOrder(tracesDir: string): Promise<TraceRecord[]> {
  const lines = await readTraceLines(tracesDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return lines.map((line) => JSON.parse(line) as TraceRecord);
}
