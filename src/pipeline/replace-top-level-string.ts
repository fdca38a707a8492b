/**
 * Replaces the value of one top-level string field of a JSON object text
 * without parsing or re-serialising the rest. Passthrough uses it to swap
 * `model` in request bodies of hundreds of KiB (Claude Code resends its whole
 * history every turn) at the cost of a scan that usually stops within the
 * first few bytes, because clients put `model` near the front.
 *
 * Returns undefined when the text is not an object or has no such top-level
 * string field; the caller then falls back to parse and stringify.
 */
export function replaceTopLevelString(json: string, field: string, value: string): string | undefined {
  const length = json.length;
  let i = skipWhitespace(json, 0);
  if (json.charCodeAt(i) !== 123 /* { */) return undefined;
  i++;
  const replacement = JSON.stringify(value);
  while (i < length) {
    i = skipWhitespace(json, i);
    const code = json.charCodeAt(i);
    if (code === 125 /* } */) return undefined;
    if (code === 44 /* , */) {
      i++;
      continue;
    }
    if (code !== 34 /* " */) return undefined;
    const keyEnd = endOfString(json, i);
    if (keyEnd < 0) return undefined;
    const isField = keyEnd - i - 2 === field.length && json.startsWith(field, i + 1);
    i = skipWhitespace(json, keyEnd);
    if (json.charCodeAt(i) !== 58 /* : */) return undefined;
    i = skipWhitespace(json, i + 1);
    const valueEnd = endOfValue(json, i);
    if (valueEnd < 0) return undefined;
    if (isField) {
      if (json.charCodeAt(i) !== 34) return undefined;
      return json.slice(0, i) + replacement + json.slice(valueEnd);
    }
    i = valueEnd;
  }
  return undefined;
}

function skipWhitespace(json: string, i: number): number {
  for (;;) {
    const code = json.charCodeAt(i);
    if (code === 32 || code === 10 || code === 13 || code === 9) i++;
    else return i;
  }
}

/** Index just past the closing quote of the string starting at `start`, or -1. */
function endOfString(json: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const quote = json.indexOf('"', i);
    if (quote < 0) return -1;
    let backslashes = 0;
    for (let j = quote - 1; json.charCodeAt(j) === 92 /* \ */; j--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

/** Index just past the value starting at `start`, or -1 on malformed input. */
function endOfValue(json: string, start: number): number {
  const first = json.charCodeAt(start);
  if (first === 34) return endOfString(json, start);
  if (first !== 123 && first !== 91 /* [ */) {
    // A number, true, false or null: runs to the next delimiter.
    let i = start;
    for (;;) {
      const code = json.charCodeAt(i);
      if (Number.isNaN(code) || code === 44 || code === 125 || code === 93 || code === 32 || code === 10 || code === 13 || code === 9) return i === start ? -1 : i;
      i++;
    }
  }
  let depth = 0;
  let i = start;
  const length = json.length;
  while (i < length) {
    const code = json.charCodeAt(i);
    if (code === 34) {
      i = endOfString(json, i);
      if (i < 0) return -1;
      continue;
    }
    if (code === 123 || code === 91) depth++;
    else if (code === 125 || code === 93) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return -1;
}
