/** One `switchboard` subcommand. */
export interface Command {
  name: string;
  /** One line for `switchboard --help`. */
  summary: string;
  /** Full `--help` text of the subcommand. */
  help: string;
  /** Runs the command; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}
