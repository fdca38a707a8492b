import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import type { SourcePosition } from './config-problem.js';

/** A path into the parsed data: mapping keys and sequence indexes. */
export type DataPath = readonly (string | number)[];

/** A parsed YAML document together with what turns its offsets into lines. */
export interface PositionedDocument {
  document: Document.Parsed;
  lineCounter: LineCounter;
}

/**
 * The line:column of the YAML node at `path`. `key` points at the mapping key
 * of the last step (where a typo is fixed), `value` at its value. When the
 * path runs past what the document holds (a missing field, an alias), the
 * deepest node that exists is used, so a problem always lands near its cause.
 */
export function positionOf(positioned: PositionedDocument, path: DataPath, part: 'key' | 'value' = 'value'): SourcePosition {
  const { document, lineCounter } = positioned;
  let node: unknown = document.contents;
  let lastPair: Pair | undefined;
  let walkedAll = true;
  for (const segment of path) {
    const next = childOf(document, node, segment);
    if (!next) {
      walkedAll = false;
      break;
    }
    node = next.node;
    lastPair = next.pair;
  }
  const keyNode = lastPair && isNodeWithRange(lastPair.key) ? lastPair.key : undefined;
  const valueNode = isNodeWithRange(node) ? node : undefined;
  const preferKey = part === 'key' || !walkedAll || valueNode === undefined;
  const chosen = (preferKey ? (keyNode ?? valueNode) : (valueNode ?? keyNode));
  if (!chosen?.range) return { line: 1, column: 1 };
  const { line, col } = lineCounter.linePos(chosen.range[0]);
  return { line, column: col };
}

function childOf(document: Document.Parsed, node: unknown, segment: string | number): { node: unknown; pair?: Pair } | undefined {
  const target = isAlias(node) ? node.resolve(document) : node;
  if (isMap(target)) {
    const pair = target.items.find((item) => isPair(item) && keyText(item.key) === String(segment));
    return pair ? { node: pair.value, pair } : undefined;
  }
  if (isSeq(target)) {
    const index = typeof segment === 'number' ? segment : Number(segment);
    if (!Number.isInteger(index) || index < 0 || index >= target.items.length) return undefined;
    return { node: target.items[index] };
  }
  return undefined;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

function isNodeWithRange(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value && Array.isArray((value as Node).range);
}
