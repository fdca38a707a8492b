import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { didYouMean } from '../config/did-you-mean.js';
import { readConfigFolder } from '../config/read-config-folder.js';
import type { Command } from './command.js';

const help = `Usage: switchboard keygen --name NAME [--profile PROFILE] [--config-dir DIR]

Prints a new random API key secret, once, and the YAML entry to paste under
\`keys:\` in gateway.yaml. Only the secret's SHA-256 goes into the file, so the
config can live in git; hand the secret itself to the key holder and do not
keep a copy.

Options:
  --name NAME        key name, as it will appear in traces and metrics
  --profile PROFILE  the key's profile, one of DIR/profiles/ (default: the first there, by name)
  --config-dir DIR   config folder (default: the current folder)
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
      ({ values } = parseArgs({ args, options: { name: { type: 'string' }, profile: { type: 'string' }, 'config-dir': { type: 'string', default: '.' } }, strict: true, allowPositionals: false }));
    } catch (error) {
      return usageError(error instanceof Error ? error.message : String(error));
    }
    const name = values.name;
    if (name === undefined) return usageError('--name is required');
    if (!plainName.test(name)) return usageError(`--name "${name}" must use only letters, digits, ".", "_" and "-"`);
    const dir = path.resolve(values['config-dir']!);
    const profiles = await profileNames(dir);
    // A key whose profile has no file is refused by `check` (CFG_UNKNOWN_PROFILE), so the choice is made from the folder.
    if (profiles.length === 0) return usageError(`no profile in ${path.join(dir, 'profiles')}: run keygen in the config folder, or give it with --config-dir`);
    const profile = values.profile ?? profiles[0]!;
    if (!profiles.includes(profile)) return usageError(`--profile "${profile}": ${path.join(dir, 'profiles')} has ${profiles.join(', ')}${didYouMean(profile, profiles)}`);
    const chosen = values.profile === undefined ? `the first of ${profiles.join(', ')}; pick another with --profile NAME` : 'from --profile';
    const secret = newSecret();
    process.stdout.write(
      [
        `secret: ${secret}`,
        '  (shown once: hand it to the key holder; only its hash below goes into git)',
        '',
        `# profile: ${profile} (${chosen})`,
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

/** The profiles of the config folder, by name, as the gateway would load them. */
async function profileNames(dir: string): Promise<string[]> {
  const folder = await readConfigFolder(dir);
  return folder.files.flatMap((file) => (file.profile === undefined ? [] : [file.profile]));
}

function usageError(message: string): number {
  process.stderr.write(`switchboard keygen: ${message}\n\n${help}`);
  return 2;
}
