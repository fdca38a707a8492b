import { describe, expect, it } from 'vitest';
import { parseConfigFile } from '../../src/config/parse-config-file.js';
import { schemaErrors } from '../../src/config/schema-validator.js';
import { parsePointer, schemaProblems } from '../../src/config/schema-problems.js';
import { positionOf } from '../../src/config/yaml-positions.js';
import { closestName, editDistance } from '../../src/config/did-you-mean.js';

const text = `# comment
providers:
  deepseek:
    format: openai-chat
    headers:
      x-a: "1"
keys:
  alice: &anchor
    profile: team
  bob: *anchor
rules:
  - model: a
    to: [mock/a, mock/b]
`;

describe('positionOf', () => {
  const parsed = parseConfigFile('gateway.yaml', text);

  it('points at values, or at the key of the last step', () => {
    expect(positionOf(parsed, ['providers', 'deepseek', 'format'])).toEqual({ line: 4, column: 13 });
    expect(positionOf(parsed, ['providers', 'deepseek', 'format'], 'key')).toEqual({ line: 4, column: 5 });
    expect(positionOf(parsed, ['providers', 'deepseek', 'headers', 'x-a'])).toEqual({ line: 6, column: 12 });
  });

  it('walks sequences by index, as numbers or numeric strings', () => {
    expect(positionOf(parsed, ['rules', 0, 'to', 1])).toEqual({ line: 13, column: 18 });
    expect(positionOf(parsed, ['rules', '0', 'to', '0'])).toEqual({ line: 13, column: 10 });
  });

  it('falls back to the deepest existing key when the path runs past the document', () => {
    expect(positionOf(parsed, ['providers', 'deepseek', 'base_url'])).toEqual({ line: 3, column: 3 });
    expect(positionOf(parsed, ['rules', 5])).toEqual({ line: 11, column: 1 });
    expect(positionOf(parsed, [])).toEqual({ line: 2, column: 1 });
  });

  it('follows aliases', () => {
    expect(positionOf(parsed, ['keys', 'bob', 'profile'])).toEqual({ line: 9, column: 14 });
  });

  it('parses JSON pointers with escapes and indexes', () => {
    expect(parsePointer('')).toEqual([]);
    expect(parsePointer('/providers/a~1b/headers/x~0y')).toEqual(['providers', 'a/b', 'headers', 'x~y']);
    expect(parsePointer('/rules/10/to/0')).toEqual(['rules', 10, 'to', 0]);
  });
});

describe('schemaProblems', () => {
  function problemsOf(kind: 'gateway' | 'profile', source: string) {
    const parsed = parseConfigFile(kind === 'gateway' ? 'gateway.yaml' : 'profiles/p.yaml', source);
    return schemaProblems(parsed, kind, schemaErrors(kind, parsed.data)).map((problem) => `${problem.line}:${problem.column} ${problem.code} ${problem.message}`);
  }

  it('points an unknown field at its key and a missing one at the parent', () => {
    expect(problemsOf('gateway', 'providers:\n  x:\n    fromat: mock\nkeys: {}\n')).toEqual(['3:5 CFG_UNKNOWN_FIELD unknown field "fromat" in provider "x"; did you mean "format"?']);
    expect(problemsOf('gateway', 'providers:\n  x:\n    base_url: https://a.example\nkeys: {}\n')).toEqual(['2:3 CFG_MISSING_FIELD provider "x" is missing the required field "format"']);
    expect(problemsOf('gateway', '# nothing\nproviders: {}\n')).toEqual(['2:1 CFG_MISSING_FIELD gateway.yaml is missing the required field "keys"']);
  });

  it('lists the allowed fields when no name is close', () => {
    expect(problemsOf('profile', 'rules: []\nzzz: 1\n')).toEqual(['2:1 CFG_UNKNOWN_FIELD unknown field "zzz" in the profile; allowed fields: description, rules, default, tests, budget, budget_fallback']);
  });

  it('reports a union once, not once per branch', () => {
    expect(problemsOf('profile', 'rules:\n  - model: a\n    to: [mock/a, 3]\n')).toEqual(['3:9 CFG_INVALID_TYPE to of rule 1 must be a target "provider/model" or a list of targets, not a list']);
  });

  it('explains an empty file and a limit', () => {
    expect(problemsOf('gateway', '')).toEqual(['1:1 CFG_INVALID_TYPE gateway.yaml must be a mapping of fields, not empty']);
    expect(problemsOf('gateway', 'server:\n  port: 70000\nproviders: {}\nkeys: {}\n')).toEqual(['2:9 CFG_INVALID_VALUE server.port must be <= 65535, not 70000']);
  });
});

describe('did you mean', () => {
  it('suggests names within a typo of the given one', () => {
    expect(editDistance('bsae_url', 'base_url')).toBe(1);
    expect(closestName('deepsek', ['deepseek', 'anthropic', 'mock'])).toBe('deepseek');
    expect(closestName('gemini', ['deepseek', 'anthropic', 'mock'])).toBeUndefined();
  });
});
