#!/usr/bin/env node
// Sizes a replica's resource requests: starts `switchboard serve` on a config folder, keeps
// CONCURRENCY streamed requests in flight for SECONDS through the mock provider, and prints the
// process's idle and peak RSS, requests per second and CPU cores used (Linux /proc).
//
//   npm run build && node deploy/measure-gateway.mjs [CONFIG_DIR=.] [CONCURRENCY=50] [SECONDS=15]
//
// Uses the demo key, so the config must have it (this repository's gateway.yaml does).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [configDir = '.', concurrencyText = '50', secondsText = '15'] = process.argv.slice(2);
const concurrency = Number(concurrencyText);
const seconds = Number(secondsText);
const port = 18090;

const child = spawn(process.execPath, [path.join(repoRoot, 'bin/switchboard.js'), 'serve', '--config-dir', configDir, '--port', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
await new Promise((resolve, reject) => {
  child.stderr.on('data', (chunk) => String(chunk).includes('switchboard serving') && resolve());
  child.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
});

/** CPU seconds (user + system) and resident memory in MiB of the gateway process. */
function sample() {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) / 1024;
  return { cpu: (Number(fields[11]) + Number(fields[12])) / 100, rss };
}

// About 8 KB of prompt: small next to Claude Code's real requests, which resend the whole history.
const body = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'hello there, how are you doing today? '.repeat(200) }] });
const idle = sample();
let peakRss = idle.rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, sample().rss)), 200);
const end = Date.now() + seconds * 1000;
let completed = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (Date.now() < end) {
      const response = await request(`http://127.0.0.1:${port}/anthropic/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'sb-demo-local-only-key', 'content-type': 'application/json' }, body });
      await response.body.text();
      completed++;
    }
  }),
);
const loaded = sample();
clearInterval(sampler);
child.kill('SIGTERM');
console.log(JSON.stringify({ concurrency, seconds, idle_rss_mib: Math.round(idle.rss), peak_rss_mib: Math.round(peakRss), requests_per_second: Math.round(completed / seconds), cpu_cores: Number(((loaded.cpu - idle.cpu) / seconds).toFixed(2)) }));
