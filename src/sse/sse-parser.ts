import type { SseEvent } from '../canonical/stream.js';

/**
 * Incremental server-sent-events parser (WHATWG rules): bytes in, whole
 * events out. Handles LF, CRLF and CR line ends split across chunks, comment
 * lines (`: ping`), multi-line `data:` and a UTF-8 sequence split between
 * chunks. Knows nothing of any API format.
 */
export interface SseParser {
  push(chunk: Uint8Array | string): void;
  /** Flushes an event left without its final blank line (a stream cut short). */
  end(): void;
}

export function createSseParser(onEvent: (event: SseEvent) => void): SseParser {
  const decoder = new TextDecoder('utf-8');
  let buffer = '';
  let eventName: string | undefined;
  let dataLines: string[] = [];
  let lastId: string | undefined;
  let skipLeadingLf = false;

  const dispatch = (): void => {
    if (dataLines.length === 0) {
      eventName = undefined;
      return;
    }
    const event: SseEvent = { data: dataLines.length === 1 ? dataLines[0]! : dataLines.join('\n') };
    if (eventName !== undefined) event.event = eventName;
    if (lastId !== undefined) event.id = lastId;
    eventName = undefined;
    dataLines = [];
    onEvent(event);
  };

  const processLine = (line: string): void => {
    if (line.length === 0) return dispatch();
    if (line.charCodeAt(0) === 58 /* : */) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32 /* space */) value = value.slice(1);
    switch (field) {
      case 'data':
        dataLines.push(value);
        break;
      case 'event':
        eventName = value;
        break;
      case 'id':
        if (!value.includes('\0')) lastId = value;
        break;
      default:
        // `retry` and unknown fields carry nothing a gateway relays.
        break;
    }
  };

  const consume = (text: string): void => {
    let start = 0;
    if (skipLeadingLf && text.charCodeAt(0) === 10) start = 1;
    skipLeadingLf = false;
    buffer = buffer.length > 0 ? buffer + text.slice(start) : text.slice(start);
    let lineStart = 0;
    for (let i = 0; i < buffer.length; i++) {
      const code = buffer.charCodeAt(i);
      if (code !== 10 && code !== 13) continue;
      processLine(buffer.slice(lineStart, i));
      if (code === 13) {
        if (i + 1 < buffer.length) {
          if (buffer.charCodeAt(i + 1) === 10) i++;
        } else {
          // A CR at the very end of a chunk: its LF may open the next chunk.
          skipLeadingLf = true;
        }
      }
      lineStart = i + 1;
    }
    buffer = lineStart === 0 ? buffer : buffer.slice(lineStart);
  };

  return {
    push(chunk) {
      consume(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    },
    end() {
      const rest = decoder.decode();
      if (rest.length > 0) consume(rest);
      if (buffer.length > 0) {
        processLine(buffer);
        buffer = '';
      }
      dispatch();
    },
  };
}
