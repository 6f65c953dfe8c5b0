/**
 * The ids under which model requests (and tool calls) are counted once. An agent's request, message and tool-call ids
 * are unique within its session, not across sessions, so each is scoped by the session's agent id
 * (`<kind>:<session id>`): a transcript and an OpenTelemetry record of the same request give the same key.
 */
export function requestKey(agentId: string, id: string): string {
  return `${agentId}:${id}`;
}
