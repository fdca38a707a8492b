#!/usr/bin/env node
// Generates schema/*.schema.json from the TypeScript types (TSDoc becomes the
// descriptions editors show on hover). `--check` regenerates in memory and
// exits 1 naming every stale file, for CI. Add a schema by adding an entry.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { DEFAULT_CONFIG, SchemaGenerator, createFormatter, createParser } from 'ts-json-schema-generator';

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Paths are relative to the package root. */
const schemas = [
  { sourceFile: 'src/config/types.ts', typeName: 'GatewayFile', outFile: 'schema/gateway.schema.json' },
  { sourceFile: 'src/config/types.ts', typeName: 'ProfileFile', outFile: 'schema/profile.schema.json' },
  { sourceFile: 'src/traces/trace-record.ts', typeName: 'TraceRecord', outFile: 'schema/trace.schema.json' },
];

/** Renders every entry's schema text from one TypeScript program (building it is the slow part). */
export function generateSchemas(entries = schemas) {
  const config = {
    ...DEFAULT_CONFIG,
    expose: 'export',
    topRef: true,
    jsDoc: 'extended',
    additionalProperties: false,
    skipTypeCheck: true,
  };
  const rootNames = [...new Set(entries.map((entry) => path.join(packageRoot, entry.sourceFile)))];
  const program = ts.createProgram(rootNames, { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022 });
  const generator = new SchemaGenerator(program, createParser(program, config), createFormatter(config), config);
  return entries.map((entry) => ({ ...entry, text: `${JSON.stringify(sortDefinitions(generator.createSchema(entry.typeName)), null, 2)}\n` }));
}

/** Definitions in name order, so moving a type within types.ts does not churn the schema. */
function sortDefinitions(schema) {
  if (!schema.definitions) return schema;
  const definitions = Object.fromEntries(Object.entries(schema.definitions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { ...schema, definitions };
}

async function main(argv) {
  const check = argv.includes('--check');
  const generated = generateSchemas();
  let stale = 0;
  for (const { outFile, text } of generated) {
    const target = path.join(packageRoot, outFile);
    const current = await readFile(target, 'utf8').catch(() => undefined);
    if (current === text) continue;
    if (check) {
      stale++;
      process.stderr.write(`${outFile} is stale: run \`npm run schema\` and commit the result\n`);
    } else {
      await writeFile(target, text);
      process.stdout.write(`wrote ${outFile}\n`);
    }
  }
  if (check && stale === 0) process.stdout.write(`${generated.length} schema files are up to date\n`);
  return stale === 0 ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`switchboard-schema: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
