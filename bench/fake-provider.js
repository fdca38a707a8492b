// @ts-check
/**
 * The benchmark's upstream: a fast local fake of the Anthropic Messages and
 * OpenAI Chat Completions APIs, run as its own process so its CPU is not the
 * driver's. It answers with zero think time; a stream is written one SSE event
 * per `write()` with a gap between events (`setImmediate` by default, a timer
 * when the request asks for one), so a relay that coalesces or holds back
 * events can be seen by the client.
 *
 * How a request is answered is read from the request itself, the way a model
 * would: `stream` and `max_tokens` (or `max_completion_tokens`) from the body,
 * by a string scan rather than a parse so a 400 KiB history costs the fake
 * little. `max_tokens` is the number of text deltas a stream gets. A timer
 * gap of N ms between events is asked for by `[bench-gap-Nms]` anywhere in the
 * body (the benchmark puts it in the system prompt, which survives translation).
 *
 * Every text delta carries a marker `~<seq>:<hrtime ns>~`: the sequence
 * number and the sender's monotonic clock (the same CLOCK_MONOTONIC in every
 * process on the machine), so the driver can tell per event how long it was
 * held back and whether two events arrived in one read.
 *
 * Usage: node bench/fake-provider.js   (prints {"url": ...} on stdout)
 * GET /__bench/stats gives the counts of requests received; GET
 * /__bench/last-body the last model request body (to replay a translated body
 * directly).
 */
import { createServer } from 'node:http';

let modelRequests = 0;
let lastBody = '';

const server = createServer((request, response) => {
  if (request.method === 'GET') return answerControl(request.url ?? '', response);
  /** @type {Buffer[]} */
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    modelRequests++;
    const body = chunks.length === 1 ? chunks[0].toString('latin1') : Buffer.concat(chunks).toString('latin1');
    lastBody = body;
    const url = request.url ?? '';
    const format = url.endsWith('/chat/completions') ? 'chat' : url.endsWith('/v1/messages') ? 'anthropic' : undefined;
    if (!format) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"error":{"type":"not_found_error","message":"no such endpoint"}}');
      return;
    }
    const model = stringField(body, 'model') ?? 'fake-model';
    const stream = /"stream"\s*:\s*true/.test(body);
    const tokens = numberField(body, 'max_tokens') ?? numberField(body, 'max_completion_tokens') ?? 16;
    const gap = /\[bench-gap-(\d+)ms\]/.exec(body);
    const gapMs = gap ? Number(gap[1]) : 0;
    if (!stream) {
      const text = 'Hello from the fake provider.';
      const answer = format === 'anthropic' ? anthropicMessage(model, text) : chatCompletion(model, text);
      const payload = JSON.stringify(answer);
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)), 'request-id': 'req_fake' });
      response.end(payload);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': 'req_fake' });
    const frames = format === 'anthropic' ? anthropicStream(model, tokens) : chatStream(model, tokens);
    void writeFrames(response, frames, gapMs);
  });
});

/**
 * @param {import('node:http').ServerResponse} response
 * @param {Array<string | ((seq: number) => string)>} frames
 * @param {number} gapMs
 */
async function writeFrames(response, frames, gapMs) {
  let seq = 0;
  for (let index = 0; index < frames.length; index++) {
    if (response.destroyed) return;
    const frame = frames[index];
    response.write(typeof frame === 'string' ? frame : frame(seq++));
    if (index < frames.length - 1) await pause(gapMs);
  }
  response.end();
}

/** @param {number} ms */
function pause(ms) {
  return new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));
}

/** @param {number} seq */
function marker(seq) {
  return `~${seq}:${process.hrtime.bigint()}~ `;
}

/**
 * @param {string} data
 * @param {string} [event]
 */
function sse(data, event) {
  return event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`;
}

/**
 * The Anthropic Messages stream, framed as the API sends it.
 * @param {string} model
 * @param {number} deltas
 * @returns {Array<string | ((seq: number) => string)>}
 */
function anthropicStream(model, deltas) {
  /** @type {Array<string | ((seq: number) => string)>} */
  const frames = [
    sse(JSON.stringify({ type: 'message_start', message: { id: 'msg_01XFDUDYJgAACzvnptvVoYEL', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 25, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 } } }), 'message_start'),
    sse('{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}', 'content_block_start'),
    sse('{"type":"ping"}', 'ping'),
  ];
  for (let index = 0; index < deltas; index++) {
    frames.push((seq) => sse(`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"${marker(seq)}"}}`, 'content_block_delta'));
  }
  frames.push(
    sse('{"type":"content_block_stop","index":0}', 'content_block_stop'),
    sse(`{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":${deltas}}}`, 'message_delta'),
    sse('{"type":"message_stop"}', 'message_stop'),
  );
  return frames;
}

/**
 * The Chat Completions stream with usage, as OpenAI-compatible providers send it.
 * @param {string} model
 * @param {number} deltas
 * @returns {Array<string | ((seq: number) => string)>}
 */
function chatStream(model, deltas) {
  const head = `{"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion.chunk","created":1741570283,"model":${JSON.stringify(model)},"system_fingerprint":"fp_06737a9306","choices":`;
  /** @type {Array<string | ((seq: number) => string)>} */
  const frames = [sse(`${head}[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}`)];
  for (let index = 0; index < deltas; index++) {
    frames.push((seq) => sse(`${head}[{"index":0,"delta":{"content":"${marker(seq)}"},"logprobs":null,"finish_reason":null}]}`));
  }
  frames.push(
    sse(`${head}[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}`),
    sse(`${head}[],"usage":{"prompt_tokens":19,"completion_tokens":${deltas},"total_tokens":${19 + deltas}}}`),
    'data: [DONE]\n\n',
  );
  return frames;
}

/**
 * @param {string} model
 * @param {string} text
 */
function anthropicMessage(model, text) {
  return {
    id: 'msg_013Zva2CMHLNnXjNJJKqJ2EF',
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 6 },
  };
}

/**
 * @param {string} model
 * @param {string} text
 */
function chatCompletion(model, text) {
  return {
    id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
    object: 'chat.completion',
    created: 1741569952,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 19, completion_tokens: 6, total_tokens: 25 },
    system_fingerprint: 'fp_06737a9306',
  };
}

/**
 * The first `"name": "value"` in the text. The benchmark's bodies never hold
 * these field names inside their history, so the first hit is the top-level one.
 * @param {string} body
 * @param {string} name
 */
function stringField(body, name) {
  const match = new RegExp(`"${name}"\\s*:\\s*"([^"]*)"`).exec(body);
  return match ? match[1] : undefined;
}

/**
 * @param {string} body
 * @param {string} name
 */
function numberField(body, name) {
  const match = new RegExp(`"${name}"\\s*:\\s*(\\d+)`).exec(body);
  return match ? Number(match[1]) : undefined;
}

/**
 * @param {string} url
 * @param {import('node:http').ServerResponse} response
 */
function answerControl(url, response) {
  if (url === '/__bench/stats') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ modelRequests }));
  } else if (url === '/__bench/last-body') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(lastBody);
  } else {
    response.writeHead(404);
    response.end();
  }
}

server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
