#!/usr/bin/env node
// `npm run build` runs tsc, which leaves non-TypeScript files behind; this copies the
// console's static assets (src/console/assets/) next to the compiled console in dist/.
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
await cp(path.join(root, 'src/console/assets'), path.join(root, 'dist/console/assets'), { recursive: true });
