/**
 * The keys under which model requests and tool calls are counted once, whichever source reports them (a transcript
 * read by the hooks, an OpenTelemetry log record, a GenAI span). Ids an agent gives are unique within its session only,
 * so every key is scoped by the session's agent id (`<kind>:<session id>`).
 */
export function requestKey(agentId: string, id: string): string {
  return `${agentId}:${id}`;
}

export interface ModelRequest {
  /** The provider's request id (Anthropic's `request-id`, an OpenAI response id), when the source knows it. */
  requestId?: string;
  model?: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/**
 * The provider's request id where there is one; else the request's model and token counts, which every source of the
 * same request reports alike (a session's context grows with each request, so two requests of one session hardly ever
 * match in all four counts).
 */
export function modelRequestKey(agentId: string, request: ModelRequest): string {
  if (request.requestId) return requestKey(agentId, request.requestId);
  const { model, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens } = request;
  return requestKey(agentId, `usage:${model ?? ''}:${inputTokens}:${outputTokens}:${cacheReadTokens}:${cacheWriteTokens}`);
}
