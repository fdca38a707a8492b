// Child process for crash.test.ts: writes trace lines as fast as it can (with
// size rotation) until it is killed. Imports the compiled writer from dist/.
import { TraceWriter } from '../../dist/traces/trace-writer.js';

const [dir] = process.argv.slice(2);
const writer = new TraceWriter(
  { enabled: true, dir, capture: 'full', maxBodyBytes: 65536, maxFileBytes: 256 * 1024, rotateEvery: 'never', maxFiles: 1000, maxAgeDays: 30, gzip: false },
  { onProblem: (message) => process.stderr.write(`${message}\n`) },
);
let sequence = 0;
let announced = false;
const body = { messages: [{ role: 'user', content: 'ü'.repeat(3000) }] };
function burst() {
  for (let index = 0; index < 50; index++) {
    sequence++;
    writer.write({
      ts: new Date().toISOString(), id: `crash_${sequence}`, duration_ms: 1, ttft_ms: null, upstream_ms: null, key: 'k', profile: 'p',
      rule: null, config: 'c', session: null, user_agent: null, inbound: { format: 'anthropic', path: '/v1/messages' }, model: 'm',
      provider: null, upstream_model: null, upstream_format: null, stream: false, status: 200, error: null, stop_reason: null,
      usage: null, warnings: [], request: body, response: { sequence },
    });
  }
  if (!announced && writer.stats().linesWritten >= 500) {
    announced = true;
    process.stdout.write('ready\n');
  }
  setImmediate(burst);
}
burst();
