import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import { configProblem, type ConfigProblem } from './config-problem.js';
import type { PositionedDocument } from './yaml-positions.js';

/** One config file, parsed with positions kept for every node. */
export interface ParsedConfigFile extends PositionedDocument {
  /** Path relative to the config folder, with `/` separators. */
  file: string;
  /** The plain data, as `JSON.parse` would give it. */
  data: unknown;
  /** Syntax errors and duplicate keys; when one is an error, `data` is not trustworthy. */
  problems: ConfigProblem[];
}

/**
 * Parses YAML keeping node ranges. Duplicate keys are refused rather than
 * silently resolved: two `deepseek:` entries are almost always a merge
 * mistake, and different YAML parsers would pick different winners.
 */
export function parseConfigFile(file: string, content: string): ParsedConfigFile {
  const lineCounter = new LineCounter();
  const document = parseDocument(content, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const problems = [
    ...document.errors.map((error) => yamlProblem(file, content, lineCounter, error, 'error')),
    ...document.warnings.map((warning) => yamlProblem(file, content, lineCounter, warning, 'warning')),
  ];
  let data: unknown;
  if (document.errors.length === 0) {
    try {
      data = document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // Only an alias bomb gets here ("billion laughs"); refuse it like a syntax error.
      problems.push(configProblem('CFG_YAML_SYNTAX', file, { line: 1, column: 1 }, error instanceof Error ? error.message : String(error)));
    }
  }
  return { file, document, lineCounter, data, problems };
}

function yamlProblem(file: string, content: string, lineCounter: LineCounter, error: YAMLError, severity: 'error' | 'warning'): ConfigProblem {
  const { line, col } = lineCounter.linePos(error.pos[0]);
  const position = { line, column: col };
  if (error.code === 'DUPLICATE_KEY') {
    const key = content.slice(error.pos[0]).split(/:(?:\s|$)/m)[0]?.trim() ?? '';
    return configProblem('CFG_YAML_DUPLICATE_KEY', file, position, `duplicate key "${key}": each key may appear only once in a mapping`, severity);
  }
  if (error.code === 'MULTIPLE_DOCS') {
    return configProblem('CFG_YAML_SYNTAX', file, position, 'a config file holds one YAML document; remove the "---" separator', severity);
  }
  return configProblem(severity === 'error' ? 'CFG_YAML_SYNTAX' : 'CFG_YAML_WARNING', file, position, firstLine(error.message), severity);
}

/** The yaml library appends "at line N, column M" and a code frame; the problem carries the position already. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '').trim();
}
