import { describe, expect, it } from 'vitest';
import { replaceTopLevelString } from '../../src/pipeline/replace-top-level-string.js';

describe('replaceTopLevelString', () => {
  it('replaces the top-level field and leaves every other byte alone', () => {
    const text = '{"id":"x","type":"message",\n  "model" : "a",\t"n":1.5e3,"ok":true,"none":null}';
    expect(replaceTopLevelString(text, 'model', 'b')).toBe('{"id":"x","type":"message",\n  "model" : "b",\t"n":1.5e3,"ok":true,"none":null}');
  });

  it('skips nested objects, arrays and strings that contain the field name', () => {
    const text = JSON.stringify({ messages: [{ role: 'user', content: '{"model":"trap"}', model: 'nested' }], tools: { model: 'q' }, note: 'say \\"model\\"', model: 'claude' });
    const replaced = replaceTopLevelString(text, 'model', 'deepseek-chat');
    expect(JSON.parse(replaced!)).toEqual({ ...JSON.parse(text), model: 'deepseek-chat' });
  });

  it('escapes the new value as JSON', () => {
    expect(replaceTopLevelString('{"model":"a"}', 'model', 'we"ird\\name')).toBe('{"model":"we\\"ird\\\\name"}');
  });

  it('returns undefined when there is no such string field or the text is not an object', () => {
    expect(replaceTopLevelString('{"x":1}', 'model', 'b')).toBeUndefined();
    expect(replaceTopLevelString('{"model":5}', 'model', 'b')).toBeUndefined();
    expect(replaceTopLevelString('[{"model":"a"}]', 'model', 'b')).toBeUndefined();
    expect(replaceTopLevelString('{"model":"a', 'model', 'b')).toBeUndefined();
    expect(replaceTopLevelString('{"models":"a","mode":"b"}', 'model', 'b')).toBeUndefined();
  });
});
