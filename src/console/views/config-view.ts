import { relative } from 'node:path';
import type { ReloadStatus } from '../../config/config-store.js';
import type { CompiledProfile, ConfigSnapshot, Target } from '../../config/snapshot.js';
import { html, type SafeHtml } from '../html.js';
import { formatTime } from './format.js';

export interface ConfigViewInput {
  snapshot: ConfigSnapshot;
  /** Circuit-breaker state per provider; a provider not listed is up. */
  health: Record<string, { state: 'up' | 'down' | 'half-open'; down_until: string | null }>;
  reloads: number;
  reloadFailures: number;
  lastReload: ReloadStatus | undefined;
  /** The last refused reload, kept until one succeeds. */
  lastError: ReloadStatus | undefined;
}

/**
 * The running config, read-only: its version, keys and the profiles they
 * use, each profile's rules in order with their targets and the targets'
 * health, the providers, and the last refused reload with its problems.
 * Each key and rule links to its file and line. No secret is shown: no key
 * hash, no header value, only the names of environment variables.
 */
export function configView(input: ConfigViewInput): SafeHtml {
  const { snapshot } = input;
  const link = sourceLinker(snapshot);
  const sourceKeys = snapshot.source.gateway.keys;
  return html`<h1>Config <code>${snapshot.version}</code></h1>
<dl class="facts">
  <dt>Version</dt><dd><code>${snapshot.contentHash}</code>${snapshot.commit ? html` at commit <code>${snapshot.commit}</code>` : ' (not a git checkout)'}</dd>
  <dt>Loaded</dt><dd>${formatTime(Date.parse(snapshot.loadedAt))} UTC; ${input.reloads} reloads applied, ${input.reloadFailures} refused</dd>
  <dt>Folder</dt><dd><code>${snapshot.dir}</code></dd>
</dl>
${input.lastError
  ? html`<section class="error-box" role="alert"><h2>Last refused reload</h2><p>${formatTime(Date.parse(input.lastError.at))} UTC (${input.lastError.reason}): the config above kept serving.</p>
  <ul class="problems">${(input.lastError.problems ?? []).map((problem) => html`<li><code>${problem.file}:${problem.line}:${problem.column}</code> ${problem.severity} ${problem.code}: ${problem.message}</li>`)}</ul></section>`
  : html`<p class="muted">No refused reload${input.lastReload ? html` since the last one at ${formatTime(Date.parse(input.lastReload.at))} UTC` : ''}.</p>`}
<h2>Keys</h2>
<table class="keys"><thead><tr><th>Key</th><th>Role</th><th>Profile</th><th>May also use</th><th>Limits</th><th>Description</th><th>Source</th></tr></thead><tbody>
${[...snapshot.keysByName.values()].map(
  (key) => html`<tr${key.disabled ? html` class="disabled"` : ''}><td>${key.name}${key.disabled ? html` <span class="badge bad">disabled</span>` : ''}</td><td>${key.role ?? 'client'}</td>
  <td><a href="#profile-${key.profile}">${key.profile}</a></td><td>${key.allowedProfiles.slice(1).map((profile) => html`<a href="#profile-${profile}">${profile}</a> `)}</td>
  <td>${limitsText(key.limits)}</td><td>${sourceKeys[key.name]?.description ?? ''}</td><td>${link('gateway.yaml', key.line)}</td></tr>`,
)}
</tbody></table>
<h2>Profiles</h2>
${[...snapshot.profiles.values()].map((profile) => profileSection(profile, snapshot, input.health, link))}
<h2>Providers</h2>
<table class="providers"><thead><tr><th>Provider</th><th>Format</th><th>Base URL</th><th>Health</th><th>Credential</th><th>Extra headers</th></tr></thead><tbody>
${[...snapshot.providers.values()].map(
  (provider) => html`<tr><td>${provider.name}</td><td>${provider.format}</td><td><code>${provider.baseUrl || '–'}</code></td><td>${healthBadge(input.health[provider.name])}</td>
  <td>${provider.apiKeyEnv ? html`<code>\${${provider.apiKeyEnv}}</code>` : '–'}</td><td>${Object.keys(provider.headers).join(', ') || '–'}</td></tr>`,
)}
</tbody></table>
<h2>Console and telemetry</h2>
<p>Trace files in <code>${snapshot.traces.dir}</code> (${snapshot.traces.enabled ? `capture ${snapshot.traces.capture}` : 'off'}).
OpenTelemetry export ${snapshot.otel ? html`to <code>${snapshot.otel.tracesUrl}</code>${snapshot.otel.captureContent ? ', with prompt and answer content' : ', without content'}${Object.keys(snapshot.otel.headers).length > 0 ? `, headers ${Object.keys(snapshot.otel.headers).join(', ')}` : ''}` : 'off'}.</p>`;
}

function profileSection(profile: CompiledProfile, snapshot: ConfigSnapshot, health: ConfigViewInput['health'], link: SourceLinker): SafeHtml {
  const file = relative(snapshot.dir, profile.file);
  const source = snapshot.source.profiles.get(profile.name);
  const users = [...snapshot.keysByName.values()].filter((key) => key.allowedProfiles.includes(profile.name)).map((key) => key.name);
  return html`<section class="profile" id="profile-${profile.name}">
  <h3>${profile.name} <span class="muted">${file}</span></h3>
  ${source?.description ? html`<p>${source.description}</p>` : ''}
  <p class="muted">Used by ${users.length === 0 ? 'no key' : users.join(', ')}. The first rule whose model matches wins.</p>
  <table class="rules"><thead><tr><th>#</th><th>Model</th><th>Targets, in order</th><th>Description</th><th>Source</th></tr></thead><tbody>
  ${profile.rules.map(
    (rule) => html`<tr class="rule-row"><td>${rule.index}</td><td>${rule.kind === 'regex' ? html`<span class="badge">regex</span> ` : ''}<code>${rule.match}</code></td>
    <td>${targetsView(rule.targets, health)}</td><td>${source?.rules[rule.index]?.description ?? ''}</td><td>${link(file, rule.line)}</td></tr>`,
  )}
  ${profile.defaultTargets
    ? html`<tr class="rule-row"><td>default</td><td class="muted">any other model</td><td>${targetsView(profile.defaultTargets, health)}</td><td></td><td>${link(file, profile.defaultLine)}</td></tr>`
    : html`<tr><td>default</td><td colspan="4" class="muted">none: any other model is refused (SB_ROUTE_NO_MATCH)</td></tr>`}
  </tbody></table>
  ${source?.tests && source.tests.length > 0 ? html`<p class="muted">${source.tests.length} routing tests: ${source.tests.map((test) => `${test.model} → ${test.expect}`).join('; ')}</p>` : ''}
</section>`;
}

function targetsView(targets: readonly Target[], health: ConfigViewInput['health']): SafeHtml {
  return html`<ol class="targets">${targets.map((target) => html`<li><code>${target.provider}/${target.model}</code> ${healthBadge(health[target.provider])}</li>`)}</ol>`;
}

function healthBadge(state: ConfigViewInput['health'][string] | undefined): SafeHtml {
  const name = state?.state ?? 'up';
  return html`<span class="health ${name}" title="circuit breaker">${name}${state?.down_until ? ` until ${state.down_until.slice(11, 19)}` : ''}</span>`;
}

function limitsText(limits: { max_concurrent?: number; requests_per_minute?: number; tokens_per_day?: number }): string {
  const parts: string[] = [];
  if (limits.max_concurrent !== undefined) parts.push(`${limits.max_concurrent} at once`);
  if (limits.requests_per_minute !== undefined) parts.push(`${limits.requests_per_minute}/min`);
  if (limits.tokens_per_day !== undefined) parts.push(`${limits.tokens_per_day} tokens/day`);
  return parts.join(', ') || '–';
}

type SourceLinker = (file: string, line: number | undefined) => SafeHtml;

/** `file:line`, linked through `ui.source_link` when one is configured (and, if it names `{commit}`, the config is a git checkout). */
function sourceLinker(snapshot: ConfigSnapshot): SourceLinker {
  const template = snapshot.ui.sourceLink;
  return (file, line) => {
    const label = line === undefined ? file : `${file}:${line}`;
    if (template === undefined || (template.includes('{commit}') && snapshot.commit === undefined)) return html`<code>${label}</code>`;
    const href = template
      .replaceAll('{file}', file.split('/').map(encodeURIComponent).join('/'))
      .replaceAll('{line}', String(line ?? 1))
      .replaceAll('{commit}', encodeURIComponent(snapshot.commit ?? ''));
    return html`<a href="${href}" rel="noreferrer"><code>${label}</code></a>`;
  };
}
