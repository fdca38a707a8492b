import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { readCreateFrame, requestBodyText } from '../../src/server/websocket/read-create-frame.js';
import { ResponseChain } from '../../src/server/websocket/response-chain.js';

const item = (text: string): string => JSON.stringify({ type: 'message', role: 'user', content: text });

describe('ResponseChain: what a connection keeps for previous_response_id', () => {
  it('expands a continuation into every earlier input and output item, oldest first', () => {
    const chain = new ResponseChain(8);
    chain.remember('resp_warm', undefined, item('instructions'), [], 1_000_000);
    chain.remember('resp_1', chain.find('resp_warm'), item('question'), ['{"type":"function_call","call_id":"c1"}'], 1_000_000);
    const expanded = JSON.parse(chain.expandInput(chain.find('resp_1'), '{"type":"function_call_output","call_id":"c1","output":"ok"}')) as unknown[];
    expect(expanded).toEqual([
      { type: 'message', role: 'user', content: 'instructions' },
      { type: 'message', role: 'user', content: 'question' },
      { type: 'function_call', call_id: 'c1' },
      { type: 'function_call_output', call_id: 'c1', output: 'ok' },
    ]);
    expect(chain.expandInput(undefined, '')).toBe('[]');
    expect(chain.expandInput(chain.find('resp_warm'), '')).toBe(`[${item('instructions')}]`);
  });

  it('keeps at most the newest responses, and forgets the oldest first', () => {
    const chain = new ResponseChain(2);
    chain.remember('a', undefined, item('a'), [], 1_000_000);
    chain.remember('b', chain.find('a'), item('b'), [], 1_000_000);
    chain.remember('c', chain.find('b'), item('c'), [], 1_000_000);
    expect(chain.find('a')).toBeUndefined();
    expect(chain.size).toBe(2);
    // A forgotten response's items still expand through the ones that continued from it.
    expect(JSON.parse(chain.expandInput(chain.find('c'), ''))).toHaveLength(3);
  });

  it('counts a shared history once, and drops responses until what is kept fits the size limit', () => {
    const chain = new ResponseChain(8);
    const long = item('x'.repeat(1000));
    chain.remember('a', undefined, long, [], 5000);
    chain.remember('b', chain.find('a'), long, [], 5000);
    chain.remember('c', chain.find('b'), long, [], 5000);
    // Three responses of one conversation cost the conversation once.
    expect(chain.keptLength()).toBe(3 * long.length);
    expect(chain.size).toBe(3);
    chain.remember('unrelated', undefined, item('y'.repeat(3000)), [], 5000);
    expect(chain.keptLength()).toBeLessThanOrEqual(5000);
    expect(chain.find('unrelated')).toBeDefined();
    expect(chain.find('a')).toBeUndefined();
    // A single response larger than the limit is not kept at all.
    chain.remember('huge', undefined, item('z'.repeat(6000)), [], 5000);
    expect(chain.find('huge')).toBeUndefined();
  });
});

describe('readCreateFrame', () => {
  it('splits a response.create into the connection fields and the request, always streamed', () => {
    const frame = readCreateFrame({ type: 'response.create', model: 'm', input: [{ role: 'user', content: 'hi' }], previous_response_id: 'resp_1', generate: false, store: false, stream: false });
    expect(frame).toEqual({ previousResponseId: 'resp_1', generate: false, newItems: '{"role":"user","content":"hi"}', fields: { model: 'm', store: false, stream: true } });
    expect(JSON.parse(requestBodyText(frame.fields, `[${frame.newItems}]`))).toEqual({ model: 'm', store: false, stream: true, input: [{ role: 'user', content: 'hi' }] });
    expect(requestBodyText({}, '[]')).toBe('{"input":[]}');
  });

  it('reads a string input as one user message, and null or no previous_response_id as none', () => {
    expect(readCreateFrame({ type: 'response.create', model: 'm', input: 'hello', previous_response_id: null })).toMatchObject({ previousResponseId: undefined, generate: true, newItems: '{"type":"message","role":"user","content":"hello"}' });
    expect(readCreateFrame({ type: 'response.create', model: 'm' }).newItems).toBe('');
  });

  it.each([
    [{ type: 'response.cancel' }, 'type'],
    [{ model: 'm' }, 'type'],
    [{ type: 'response.create', generate: 'no' }, 'generate'],
    [{ type: 'response.create', previous_response_id: 42 }, 'previous_response_id'],
    [{ type: 'response.create', previous_response_id: '' }, 'previous_response_id'],
    [{ type: 'response.create', input: { role: 'user' } }, 'input'],
    [{ type: 'response.create', background: true }, 'background'],
  ])('refuses %j with SB_REQUEST_INVALID naming %s', (frame, field) => {
    let thrown: unknown;
    try {
      readCreateFrame(frame);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GatewayError);
    expect((thrown as GatewayError).code).toBe('SB_REQUEST_INVALID');
    expect((thrown as GatewayError).message).toContain(field);
  });
});
