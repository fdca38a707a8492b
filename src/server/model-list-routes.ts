import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CompiledProfile, ListedModelEntry } from '../config/snapshot.js';
import { GatewayError } from '../errors/gateway-error.js';
import { anthropicModelInfo, listedCreatedAt, pageAnthropicModels, type ModelListQuery } from '../formats/anthropic-messages/model-list.js';

const listedCreatedEpoch = Date.parse(listedCreatedAt) / 1000;

/**
 * The model lists: the names the key's active profile lists (its exact
 * rules and `list_as` entries, then its default's model). Claude Code with
 * CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY=1 reads
 * `GET {ANTHROPIC_BASE_URL}/v1/models?limit=1000` for its model picker; the
 * Anthropic and OpenAI SDKs call list and retrieve.
 */
export function registerModelListRoutes(app: FastifyInstance): void {
  const options = { config: { authenticated: true } };
  app.get('/anthropic/v1/models', options, async (request) => pageAnthropicModels(listedOf(request), request.query as ModelListQuery));
  app.get('/anthropic/v1/models/*', options, async (request) => anthropicModelInfo(listedModel(request)));
  // Anthropic SDKs pointed at the gateway root call /v1/models too; they send anthropic-version, OpenAI clients do not.
  app.get('/v1/models', options, async (request) =>
    request.gateway!.format === 'anthropic' ? pageAnthropicModels(listedOf(request), request.query as ModelListQuery) : openaiModelList(request.gateway!.caller!.profile),
  );
  app.get('/v1/models/*', options, async (request) => {
    const entry = listedModel(request);
    return request.gateway!.format === 'anthropic' ? anthropicModelInfo(entry) : openaiModel(entry, request.gateway!.caller!.profile);
  });
}

function listedOf(request: FastifyRequest): readonly ListedModelEntry[] {
  return request.gateway!.caller!.profile.listedModels;
}

/** The entry the path names (model ids may hold `/`, as OpenRouter's do), or a 404 in the caller's format. */
function listedModel(request: FastifyRequest): ListedModelEntry {
  const id = (request.params as Record<string, string>)['*']!;
  const profile = request.gateway!.caller!.profile;
  const entry = profile.listedModels.find((candidate) => candidate.id === id);
  if (!entry) throw new GatewayError('SB_MODEL_NOT_LISTED', `model "${id}" is not listed for profile "${profile.name}"`);
  return entry;
}

function openaiModel(entry: ListedModelEntry, profile: CompiledProfile): Record<string, unknown> {
  return { id: entry.id, object: 'model', created: listedCreatedEpoch, owned_by: `switchboard:${profile.name}` };
}

function openaiModelList(profile: CompiledProfile): Record<string, unknown> {
  return { object: 'list', data: profile.listedModels.map((entry) => openaiModel(entry, profile)) };
}
