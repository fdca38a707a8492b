import { cleanClientValue } from './client-value.js';

/**
 * The coding agent's session, so one conversation's requests can be found
 * together in the traces:
 *
 * - Claude Code puts it in `metadata.user_id`, either as the legacy
 *   `user_<hash>_account_<uuid>_session_<uuid>` or (newer versions) as a JSON
 *   string `{"device_id":…,"account_uuid":…,"session_id":…}`; some versions
 *   also send the header `x-claude-code-session-id`.
 * - Codex 0.169 sends the header `session-id` (and `thread-id`); older versions
 *   `session_id` or `conversation_id`.
 *
 * Only the session id is returned, never the rest of `user_id` or any other
 * header: the caller's credentials never pass through here.
 */
export function extractSessionId(headers: Record<string, string | string[] | undefined>, body: unknown): string | undefined {
  return (
    sessionFromUserId(userIdOf(body)) ??
    headerValue(headers, 'x-claude-code-session-id') ??
    headerValue(headers, 'session-id') ??
    headerValue(headers, 'session_id') ??
    headerValue(headers, 'thread-id') ??
    headerValue(headers, 'conversation_id')
  );
}

function userIdOf(body: unknown): string | undefined {
  if (!isObject(body) || !isObject(body.metadata)) return undefined;
  const userId = body.metadata.user_id;
  return typeof userId === 'string' ? userId : undefined;
}

function sessionFromUserId(userId: string | undefined): string | undefined {
  if (userId === undefined) return undefined;
  if (userId.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(userId);
      return isObject(parsed) ? cleanClientValue(parsed.session_id) : undefined;
    } catch {
      return undefined;
    }
  }
  const marker = userId.lastIndexOf('_session_');
  return marker === -1 ? undefined : cleanClientValue(userId.slice(marker + '_session_'.length));
}

/** A client header's value, cleaned for a trace line (see cleanClientValue); the first of repeated headers. */
export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return cleanClientValue(Array.isArray(value) ? value[0] : value);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
