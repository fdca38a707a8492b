import type { Command } from './command.js';

/**
 * The `switchboard` entry point. Each subcommand lives in its own module and
 * is loaded only when asked for, so `check` in CI does not pay for Fastify.
 */
const commands: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./serve-command.js')).serveCommand,
  check: async () => (await import('./check-command.js')).checkCommand,
  keygen: async () => (await import('./keygen-command.js')).keygenCommand,
  traces: async () => (await import('./traces-command.js')).tracesCommand,
  plan: async () => (await import('./plan-command.js')).planCommand,
  explain: async () => (await import('./explain-command.js')).explainCommand,
  replay: async () => (await import('./replay-command.js')).replayCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(await usage());
    return name === undefined ? 1 : 0;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`switchboard: unknown command "${name}"\n\n${await usage()}`);
    return 1;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.help.endsWith('\n') ? command.help : `${command.help}\n`);
    return 0;
  }
  return command.run(rest);
}

async function usage(): Promise<string> {
  const lines = ['Usage: switchboard <command> [options]', '', 'Commands:'];
  for (const [name, load] of Object.entries(commands)) {
    lines.push(`  ${name.padEnd(10)} ${(await load()).summary}`);
  }
  lines.push('', 'Run `switchboard <command> --help` for the options of one command.', '');
  return lines.join('\n');
}
