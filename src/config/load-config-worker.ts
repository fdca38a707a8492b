import { parentPort } from 'node:worker_threads';
import { checkConfigFolder } from './load-config.js';
import { schemaErrors } from './schema-validator.js';

/** The config checker's thread (see load-config-off-thread.ts): one request at a time, answered with plain data. */
export interface CheckRequest {
  id: number;
  dir: string;
  strict: boolean;
  env: Record<string, string | undefined>;
}

// Compiled now, while the thread is idle, rather than during the first reload.
schemaErrors('gateway', {});
schemaErrors('profile', {});

parentPort!.on('message', (request: CheckRequest) => {
  checkConfigFolder(request.dir, { strict: request.strict, env: request.env }).then(
    (checked) => parentPort!.postMessage({ id: request.id, checked }),
    (error: unknown) => parentPort!.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
