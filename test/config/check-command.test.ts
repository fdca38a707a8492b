import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, removeConfigDirs, runCli, sha256, testEnv, validFiles, writeConfigDir } from './config-test-kit.js';

/** One broken variant of the valid config and the exact line `check` must print for it. */
interface BrokenCase {
  name: string;
  files: Record<string, string>;
  expected: string;
  /** Text that must not appear anywhere in the output (a leaked secret). */
  absent?: string;
  args?: string[];
}

const gateway = validFiles['gateway.yaml'];
const team = validFiles['profiles/team.yaml'];
const aliceHash = sha256('sb-test-alice');

const cases: BrokenCase[] = [
  {
    name: 'YAML syntax error',
    files: { 'gateway.yaml': gateway.replace('  mock:\n    format: mock\n', '  mock:\n    format: [mock\n') },
    expected: 'gateway.yaml:4:3 error CFG_YAML_SYNTAX Flow sequence in block collection must be sufficiently indented and end with a ]',
  },
  {
    name: 'duplicate key',
    files: { 'gateway.yaml': gateway.replace('keys:\n', 'keys:\n  alice:\n    sha256: x\n    profile: team\n') },
    expected: 'gateway.yaml:12:3 error CFG_YAML_DUPLICATE_KEY duplicate key "alice": each key may appear only once in a mapping',
  },
  {
    name: 'unknown field with a suggestion',
    files: { 'gateway.yaml': gateway.replace('    base_url:', '    bse_url:') },
    expected: 'gateway.yaml:6:5 error CFG_UNKNOWN_FIELD unknown field "bse_url" in provider "deepseek"; did you mean "base_url"?',
  },
  {
    name: 'missing required field, reported at the parent',
    files: { 'gateway.yaml': gateway.replace('    sha256: ' + aliceHash + '\n', '') },
    expected: 'gateway.yaml:9:3 error CFG_MISSING_FIELD key "alice" is missing the required field "sha256"',
  },
  {
    name: 'literal secret in api_key',
    files: { 'gateway.yaml': gateway.replace('${DEEPSEEK_API_KEY}', 'sk-live-very-secret-123') },
    expected:
      'gateway.yaml:7:14 error CFG_LITERAL_SECRET api_key of provider "deepseek" must be an ${ENV_VAR} reference such as "${DEEPSEEK_API_KEY}", not a literal value: secrets never belong in git; set the variable where the gateway runs',
    absent: 'sk-live-very-secret-123',
  },
  {
    name: 'wrong type',
    files: { 'gateway.yaml': `server:\n  port: eighty\n${gateway}` },
    expected: 'gateway.yaml:2:9 error CFG_INVALID_TYPE server.port must be a whole number, not "eighty"',
  },
  {
    name: 'value not in the allowed set, with a suggestion',
    files: { 'gateway.yaml': gateway.replace('format: openai-chat', 'format: openai-chta') },
    expected: 'gateway.yaml:5:13 error CFG_INVALID_VALUE format of provider "deepseek" must be one of "anthropic", "openai-chat", "openai-responses", "mock", not "openai-chta"; did you mean "openai-chat"?',
  },
  {
    name: 'secret pasted where its hash belongs',
    files: { 'gateway.yaml': gateway.replace(aliceHash, 'sb-test-alice') },
    expected: 'gateway.yaml:10:13 error CFG_INVALID_VALUE sha256 of key "alice" must be 64 lowercase hex digits; it looks like the secret itself: only its SHA-256 goes into the file',
    absent: 'sb-test-alice',
  },
  {
    name: 'provider without base_url',
    files: { 'gateway.yaml': gateway.replace('    base_url: https://api.deepseek.com\n', '') },
    expected: 'gateway.yaml:4:3 error CFG_MISSING_FIELD provider "deepseek" has format "openai-chat" and needs a base_url',
  },
  {
    name: 'target names an unknown provider',
    files: { 'profiles/team.yaml': team.replace('to: deepseek/deepseek-chat', 'to: deepsek/deepseek-chat') },
    expected: 'profiles/team.yaml:3:9 error CFG_UNKNOWN_PROVIDER provider "deepsek" is not defined in gateway.yaml; did you mean "deepseek"?',
  },
  {
    name: 'target not of the form provider/model',
    files: { 'profiles/team.yaml': team.replace('to: deepseek/deepseek-chat', 'to: [mock/a, deepseek]') },
    expected: 'profiles/team.yaml:3:18 error CFG_INVALID_TARGET target "deepseek" of rule 1 must be "provider/model" (split at the first "/")',
  },
  {
    name: 'key names an unknown profile',
    files: { 'gateway.yaml': gateway.replace('profile: team', 'profile: teem') },
    expected: 'gateway.yaml:11:14 error CFG_UNKNOWN_PROFILE key "alice" uses profile "teem", but there is no profiles/teem.yaml; did you mean "team"?',
  },
  {
    name: 'key allows an unknown extra profile',
    files: { 'gateway.yaml': `${gateway}    profiles: [team, review]\n` },
    expected: 'gateway.yaml:12:22 error CFG_UNKNOWN_PROFILE key "alice" uses profile "review", but there is no profiles/review.yaml',
  },
  {
    name: 'rule with neither model nor model_regex',
    files: { 'profiles/team.yaml': team.replace('  - model: claude-sonnet-4-5\n', '  - description: forgot the model\n') },
    expected: 'profiles/team.yaml:2:5 error CFG_RULE_NO_MATCHER rule 1 needs "model" (an exact name) or "model_regex"',
  },
  {
    name: 'rule with both model and model_regex',
    files: { 'profiles/team.yaml': team.replace('  - model: claude-sonnet-4-5\n', '  - model: claude-sonnet-4-5\n    model_regex: ^claude-sonnet-.*$\n') },
    expected: 'profiles/team.yaml:3:18 error CFG_RULE_BOTH_MATCHERS rule 1 has both "model" and "model_regex"; give exactly one (split it into two rules to match both)',
  },
  {
    name: 'invalid regex',
    files: { 'profiles/team.yaml': team.replace('^claude-opus-(.+)$', '^claude-opus-(.+$') },
    expected: 'profiles/team.yaml:4:18 error CFG_INVALID_REGEX model_regex of rule 2 is not a valid regular expression: /^claude-opus-(.+$/: Unterminated group',
  },
  {
    name: 'regex that needs backtracking',
    files: { 'profiles/team.yaml': team.replace('^claude-opus-(.+)$', '^claude-(opus|sonnet)-\\1$') },
    expected:
      'profiles/team.yaml:4:18 error CFG_UNSAFE_REGEX model_regex "^claude-(opus|sonnet)-\\1$" of rule 2 uses a backreference, which cannot be matched in linear time; clients choose the model text, so rules run on a linear-time engine (RE2). Rewrite it without backreferences and lookarounds (list the alternatives, or add an earlier rule)',
  },
  {
    name: 'exact rule shadowed by an earlier regex',
    files: { 'profiles/team.yaml': `${team.replace('tests:\n', '  - model: claude-opus-4-1\n    to: deepseek/deepseek-chat\ntests:\n')}` },
    expected: 'profiles/team.yaml:6:12 error CFG_RULE_SHADOWED rule 3 never matches: rule 2 (model_regex "^claude-opus-(.+)$", line 4) comes first and matches "claude-opus-4-1"',
  },
  {
    name: 'exact model listed twice',
    files: { 'profiles/team.yaml': team.replace('tests:\n', '  - model: claude-sonnet-4-5\n    to: mock/twice\ntests:\n') },
    expected: 'profiles/team.yaml:6:12 error CFG_RULE_SHADOWED rule 3 never matches: rule 1 (model "claude-sonnet-4-5", line 2) comes first and matches "claude-sonnet-4-5"',
  },
  {
    name: 'regex repeated verbatim',
    files: { 'profiles/team.yaml': team.replace('tests:\n', '  - model_regex: ^claude-opus-(.+)$\n    to: mock/again\ntests:\n') },
    expected: 'profiles/team.yaml:6:18 error CFG_RULE_SHADOWED rule 3 never matches: rule 2 (model_regex "^claude-opus-(.+)$", line 4) comes first and has the same regex',
  },
  {
    name: '$N beyond the capture groups',
    files: { 'profiles/team.yaml': team.replace('mock/opus-$1', 'mock/opus-$2') },
    expected: 'profiles/team.yaml:5:9 error CFG_CAPTURE_OUT_OF_RANGE target "mock/opus-$2" of rule 2 uses $2, but model_regex "^claude-opus-(.+)$" has only 1 capture group',
  },
  {
    name: 'two keys with the same hash',
    files: { 'gateway.yaml': `${gateway}  bob:\n    sha256: ${aliceHash}\n    profile: team\n` },
    expected: 'gateway.yaml:13:13 error CFG_DUPLICATE_KEY_HASH key "bob" has the same sha256 as key "alice" (line 10); every key needs its own secret (switchboard keygen --name bob)',
  },
  {
    name: 'failing routing test',
    files: { 'profiles/team.yaml': `${team}  - model: claude-opus-4-1\n    expect: anthropic/claude-opus-4-1\n` },
    expected:
      'profiles/team.yaml:10:13 error CFG_ROUTING_TEST_FAILED routing test 2 (model "claude-opus-4-1"): expected anthropic/claude-opus-4-1, got mock/opus-4-1 (matched by rule 2, model_regex "^claude-opus-(.+)$", line 4)',
  },
  {
    name: 'routing test expecting a route where none matches',
    files: { 'profiles/team.yaml': `${team}  - model: gpt-5\n    expect: mock/gpt-5\n` },
    expected: 'profiles/team.yaml:10:13 error CFG_ROUTING_TEST_FAILED routing test 2 (model "gpt-5"): expected mock/gpt-5, got refused (no rule matched and the profile has no default)',
  },
  {
    name: 'unset env reference with --strict',
    files: {},
    args: ['--strict'],
    expected: 'gateway.yaml:7:14 error CFG_ENV_UNSET api_key of provider "deepseek" references ${DEEPSEEK_API_KEY}, which is not set',
  },
  {
    name: 'missing gateway.yaml',
    files: { 'gateway.yaml': '' },
    expected: 'gateway.yaml:1:1 error CFG_FILE_MISSING the config folder has no gateway.yaml',
  },
  {
    name: 'profile defined as .yaml and .yml',
    files: { 'profiles/team.yml': team },
    expected: 'profiles/team.yml:1:1 error CFG_DUPLICATE_PROFILE_FILE profile "team" is defined twice, by profiles/team.yaml and profiles/team.yml; keep one',
  },
];

describe('switchboard check on a broken config', () => {
  beforeAll(ensureBuilt, 120_000);
  afterAll(removeConfigDirs);

  it.each(cases)('$name', async ({ files, expected, absent, args = [] }) => {
    const merged: Record<string, string> = { ...validFiles, ...files };
    // An empty text stands for "this file does not exist".
    for (const [file, text] of Object.entries(merged)) if (text === '') delete merged[file];
    const env = expected.includes('CFG_ENV_UNSET') ? {} : testEnv;
    const dir = await writeConfigDir(merged);
    const result = await runCli(['check', '--config-dir', dir, ...args], { env });
    expect(result.stdout.split('\n').filter((line) => line.startsWith(expected.split(' error ')[0]!))).toContainEqual(expect.stringContaining(expected));
    expect(result.stdout).toMatch(/^\d+ errors?, \d+ warnings? in /m);
    expect(result.code).toBe(1);
    if (absent) expect(result.stdout + result.stderr).not.toContain(absent);
  });

  it('passes with only a warning when an env reference is unset and --strict is off', async () => {
    const dir = await writeConfigDir(validFiles);
    const result = await runCli(['check', '--config-dir', dir], { env: {} });
    expect(result.stdout).toContain(
      'gateway.yaml:7:14 warning CFG_ENV_UNSET api_key of provider "deepseek" references ${DEEPSEEK_API_KEY}, which is not set; requests to this provider will fail until it is set',
    );
    expect(result.stdout).toMatch(/^ok: 2 files, 2 providers, 1 key, 1 profile, 1 routing test passed, version [0-9a-f]{12}$/m);
    expect(result.code).toBe(0);
  });
});
