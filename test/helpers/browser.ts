import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { repoRoot } from './gateway-under-test.js';

/** Debian's Chromium, which `npm test` installs when missing (scripts/system-deps.sh); no browser download. */
const executablePath = process.env.SWITCHBOARD_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Launches headless Chromium for a test file (one per file, reused by its
 * tests). Without the background-networking flags Chromium keeps trying to
 * reach Google's services; on this closed network that is a flood of
 * refused connections. Playwright gives each launch a fresh profile folder.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Where browser tests save screenshots (gitignored); a few good ones are copied into docs/ by hand. */
export async function artifactsDir(name: string): Promise<string> {
  const dir = path.join(repoRoot, '.test-artifacts', name);
  await mkdir(dir, { recursive: true });
  return dir;
}
