import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatProblemLine, formatProblemSummary } from '../config/format-problems.js';
import { formatProblems, loadConfig } from '../config/load-config.js';
import { createStderrLogger } from '../log/logger.js';
import { startGateway } from '../server/start-gateway.js';
import type { Command } from './command.js';

const help = `Usage: switchboard serve [--config-dir DIR] [--host HOST] [--port PORT] [--strict] [--no-watch]

Serves the gateway on the config in DIR (gateway.yaml and profiles/*.yaml).
Watches those files and applies a valid change without a restart; an invalid
change is refused and logged, and the last good config keeps serving.
SIGHUP reopens the trace file and forces a reload; SIGTERM drains in-flight requests, flushes traces and exits 0.

Options:
  --config-dir DIR  config folder (default: the current folder)
  --host HOST       listen address (overrides server.host)
  --port PORT       listen port (overrides server.port; 0 picks a free port)
  --admin-host HOST address of the admin listener (/status, /metrics, probes; no key
                    asked there); overrides server.admin.host, default 127.0.0.1
  --admin-port PORT port of the admin listener; overrides server.admin.port
  --strict          treat unset \${ENV} references as errors
  --no-watch        do not watch the files; reload only on SIGHUP (for file systems without change events)
  -h, --help        this help
`;

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the gateway on the config folder, reloading it on change',
  help,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        'config-dir': { type: 'string', default: '.' },
        host: { type: 'string' },
        port: { type: 'string' },
        'admin-host': { type: 'string' },
        'admin-port': { type: 'string' },
        strict: { type: 'boolean', default: false },
        'no-watch': { type: 'boolean', default: false },
      },
      strict: true,
    });
    const dir = path.resolve(values['config-dir']!);
    const logger = createStderrLogger();
    const strict = values.strict === true;
    const loaded = await loadConfig(dir, { strict });
    if (!loaded.snapshot) {
      process.stderr.write(formatProblems(loaded.problems, 'text', dir));
      logger.log('error', 'config is invalid; not starting', { dir });
      return 1;
    }
    const snapshot = loaded.snapshot;
    const adminPort = values['admin-port'] ?? (values['admin-host'] === undefined ? undefined : String(snapshot.server.admin?.port ?? ''));
    if (adminPort === '') {
      process.stderr.write('--admin-host needs --admin-port or server.admin.port\n');
      return 1;
    }
    const gateway = await startGateway({
      dir,
      snapshot,
      logger,
      strict,
      watch: values['no-watch'] !== true,
      reloadOffThread: true,
      ...(values.host === undefined ? {} : { host: values.host }),
      ...(values.port === undefined ? {} : { port: Number(values.port) }),
      ...(adminPort === undefined ? {} : { admin: { host: values['admin-host'] ?? snapshot.server.admin?.host ?? '127.0.0.1', port: Number(adminPort) } }),
    });
    // Handlers go in before the "serving" line: whoever reads that line may signal at once.
    // SIGHUP after log rotation reopens the trace file (like `nginx -s reopen`), and reloads the config.
    process.on('SIGHUP', () => {
      void gateway.traces.reopen().then(() => logger.log('info', 'trace file reopened', { file: gateway.traces.stats().file }));
      void gateway.state.store.reload('SIGHUP');
    });
    const stopped = new Promise<number>((resolve) => {
      const shutdown = (signal: string): void => {
        // A second signal while draining is logged, not obeyed: the drain deadline bounds the wait.
        if (gateway.state.draining) return logger.log('warn', 'already draining', { signal });
        void gateway.stop(signal).then(() => resolve(0));
      };
      process.on('SIGTERM', () => shutdown('SIGTERM'));
      process.on('SIGINT', () => shutdown('SIGINT'));
    });
    logger.log('info', 'switchboard serving', { address: gateway.address, admin: gateway.adminAddress ?? null, config: snapshot.version, dir, profiles: [...snapshot.profiles.keys()], keys: snapshot.keysByName.size });
    // One line per warning, then one count for all of them (each line used to carry a "1 warning" count of its own).
    for (const problem of loaded.problems) logger.log('warn', 'config warning', { problem: formatProblemLine(problem) });
    if (loaded.problems.length > 0) logger.log('warn', 'config warnings', { summary: formatProblemSummary(loaded.problems, dir) });
    return stopped;
  },
};
