import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { expect, it } from 'vitest';
import { TraceWriter } from '../../src/traces/trace-writer.js';
import { repoRoot } from './build-dist.js';
import { makeRecord, makeTempDir, sampleConversation, traceSettings } from './trace-fixtures.js';

it('every line the writer produces (truncated, body-dropped and dropped-counting ones too) matches schema/trace.schema.json', async () => {
  const schema = JSON.parse(await readFile(join(repoRoot, 'schema/trace.schema.json'), 'utf8'));
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  const { dir, cleanup } = await makeTempDir();
  try {
    const line = Buffer.byteLength(`${JSON.stringify(makeRecord())}\n`);
    const writer = new TraceWriter(traceSettings(dir, { maxBodyBytes: 1024 }), { maxQueueBytes: line * 12 });
    writer.write(makeRecord({ request: { big: 'x'.repeat(5000) }, rule: { index: 'default', match: 'default' }, key: null, profile: null, provider: null, upstream_model: null, upstream_format: null }));
    for (const record of sampleConversation()) writer.write(record);
    for (let index = 0; index < 30; index++) writer.write(makeRecord());
    await writer.flush();
    writer.write(makeRecord({ id: 'carries-dropped' }));
    await writer.close();
    const lines = (await readFile(join(dir, 'traces.jsonl'), 'utf8')).trim().split('\n').map((text) => JSON.parse(text));
    expect(lines.some((record) => record.request?.truncated === true && record.request.text !== '')).toBe(true);
    expect(lines.some((record) => record.request?.truncated === true && record.request.text === '')).toBe(true);
    expect(lines.some((record) => record.dropped !== undefined)).toBe(true);
    for (const record of lines) {
      validate(record);
      expect(validate.errors ?? [], record.id).toEqual([]);
    }
  } finally {
    await cleanup();
  }
});
