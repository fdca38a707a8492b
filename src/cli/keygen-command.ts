import { createHash, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Command } from './command.js';

const help = `Usage: switchboard keygen --name NAME [--profile PROFILE]

Prints a new random API key secret, once, and the YAML entry to paste under
\`keys:\` in gateway.yaml. Only the secret's SHA-256 goes into the file, so the
config can live in git; hand the secret itself to the key holder and do not
keep a copy.

Options:
  --name NAME        key name, as it will appear in traces and metrics
  --profile PROFILE  the key's profile (default: default)
  -h, --help         this help
`;

/** Names become YAML mapping keys and trace fields; keep them plain so they need no quoting. */
const plainName = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const keygenCommand: Command = {
  name: 'keygen',
  summary: 'make a new API key secret and its gateway.yaml entry',
  help,
  async run(args) {
    let values;
    try {
      ({ values } = parseArgs({ args, options: { name: { type: 'string' }, profile: { type: 'string', default: 'default' } }, strict: true, allowPositionals: false }));
    } catch (error) {
      return usageError(error instanceof Error ? error.message : String(error));
    }
    const name = values.name;
    const profile = values.profile!;
    if (name === undefined) return usageError('--name is required');
    if (!plainName.test(name)) return usageError(`--name "${name}" must use only letters, digits, ".", "_" and "-"`);
    if (!plainName.test(profile)) return usageError(`--profile "${profile}" must use only letters, digits, ".", "_" and "-"`);
    const secret = newSecret();
    process.stdout.write(
      [
        `secret: ${secret}`,
        '  (shown once: hand it to the key holder; only its hash below goes into git)',
        '',
        '# paste under `keys:` in gateway.yaml',
        `  ${name}:`,
        `    sha256: ${sha256Hex(secret)}`,
        `    profile: ${profile}`,
        '',
      ].join('\n'),
    );
    return 0;
  },
};

/** `sb-` marks the string as a Switchboard key (secret scanners can match on it); 32 random bytes make it unguessable. */
export function newSecret(): string {
  return `sb-${randomBytes(32).toString('base64url')}`;
}

export function sha256Hex(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function usageError(message: string): number {
  process.stderr.write(`switchboard keygen: ${message}\n\n${help}`);
  return 2;
}
