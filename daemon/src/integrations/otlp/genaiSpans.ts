/**
 * GenAI spans (OpenTelemetry's semantic conventions for generative AI) from any instrumented agent framework:
 * `gen_ai.operation.name` = `invoke_agent` is an agent working on a task, `execute_tool` a tool call (the task's step
 * and a log line), `chat` (and the other model calls) a model request whose usage lands on the task.
 * A span's task is its nearest `invoke_agent` ancestor: spans end (and are exported) children first, so a child may
 * arrive before its agent span, many exports earlier with OTel's simple span processor or a long agent run. `memory`
 * gives what the daemon has already seen of a trace; a span whose ancestry leads to a span not seen yet is handed
 * back as `waiting`, for the caller to keep and map again with the export that brings its ancestors.
 *
 * Attribute names change between versions of the GenAI conventions; each count is read under every name it has had.
 */
import { requestKey } from '../usage/requestKey.js';
import type { Activity } from '../../protocol/index.js';
import type { Attributes, OtlpSpan } from './otlpJson.js';

const MODEL_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'embeddings']);

/** What is known of a span seen earlier: the task of its agent span (if it has one) and its own parent. */
export interface SpanMemory {
  taskOf(traceId: string, spanId: string): { taskId: string; agentId: string } | undefined;
}

const str = (a: Attributes, key: string): string | undefined => {
  const v = a[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
};
const int = (a: Attributes, key: string): number => {
  const v = a[key];
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) && n > 0 ? Math.round(n) : 0;
};
/** The first of `keys` that holds a count: the current name first, then the names older conventions used. */
const firstInt = (a: Attributes, keys: readonly string[]): number => {
  for (const key of keys) {
    const n = int(a, key);
    if (n > 0) return n;
  }
  return 0;
};

/** Each token count under every name the conventions (and the instrumentations that follow them) have given it. */
const TOKEN_ATTRIBUTES = {
  inputTokens: ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'],
  outputTokens: ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens'],
  cacheReadTokens: ['gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens', 'gen_ai.usage.input_tokens.cached'],
  cacheWriteTokens: [
    'gen_ai.usage.cache_write.input_tokens',
    'gen_ai.usage.cache_creation.input_tokens',
    'gen_ai.usage.cache_creation_input_tokens',
    'gen_ai.usage.input_tokens.cache_write',
  ],
} as const;

export function taskIdOf(traceId: string, spanId: string): string {
  return `otel:${traceId.slice(0, 32)}:${spanId.slice(0, 16)}`;
}

function agentOf(span: OtlpSpan): { agentId: string; name: string } {
  const a = span.attributes;
  const name = str(a, 'gen_ai.agent.name') ?? str(span.resource, 'service.name') ?? 'agent';
  const id = str(a, 'gen_ai.agent.id') ?? name;
  return { agentId: id.replace(/[^A-Za-z0-9._:-]/g, '_').slice(0, 128), name: name.slice(0, 200) };
}

/** Maps one export request's spans: agent spans first (their tasks exist before their children's steps), then the rest. */
export interface SpanMapping {
  activities: Activity[];
  /** The keys (`traceId/spanId`) of the spans that became actions. */
  mapped: Set<string>;
  /** Each span whose task is known, for children that arrive in a later request. */
  seen: { traceId: string; spanId: string; taskId: string; agentId: string }[];
  /** Spans whose ancestry leads to a span not seen yet: to be mapped again once it arrives. */
  waiting: OtlpSpan[];
}

/** A span's key within the daemon: trace and span id. */
export const spanKey = (span: { traceId: string; spanId: string }): string => `${span.traceId}/${span.spanId}`;

export function mapGenAiSpans(batch: readonly OtlpSpan[], memory: SpanMemory): SpanMapping {
  const byId = new Map(batch.map((span) => [spanKey(span), span]));
  const isAgent = (span: OtlpSpan) => str(span.attributes, 'gen_ai.operation.name') === 'invoke_agent';
  /**
   * The task a span works under: its nearest invoke_agent ancestor in this batch or from before; `missing` when its
   * ancestry leads to a span nobody has seen yet (it may still come), `none` when it ends at a root with no agent.
   */
  const owner = (span: OtlpSpan): { taskId: string; agentId: string } | 'missing' | 'none' => {
    let parentId = span.parentSpanId;
    for (let hops = 0; parentId && hops < 64; hops++) {
      const parent = byId.get(`${span.traceId}/${parentId}`);
      if (!parent) return memory.taskOf(span.traceId, parentId) ?? 'missing';
      if (isAgent(parent)) return { taskId: taskIdOf(parent.traceId, parent.spanId), agentId: agentOf(parent).agentId };
      parentId = parent.parentSpanId;
    }
    return 'none';
  };

  const actions: Activity[] = [];
  const finishes: Activity[] = [];
  const seen: SpanMapping['seen'] = [];
  const waiting: OtlpSpan[] = [];
  const mapped = new Set<string>();
  for (const span of batch.filter(isAgent)) {
    const { agentId, name } = agentOf(span);
    const taskId = taskIdOf(span.traceId, span.spanId);
    const parent = owner(span);
    actions.push(
      { type: 'session.seen', agentId, name, meta: { kind: str(span.resource, 'service.name') ?? 'otel' }, firsthand: false },
      {
        type: 'turn.started',
        agentId,
        taskId,
        source: 'otel',
        title: (str(span.attributes, 'gen_ai.agent.description') ?? span.name).slice(0, 500),
        ...(typeof parent === 'object' ? { parentId: parent.taskId } : {}),
        input: { traceId: span.traceId, spanId: span.spanId },
      },
    );
    finishes.push(
      span.failed
        ? { type: 'turn.failed', agentId, taskId, error: span.statusMessage ?? str(span.attributes, 'error.type') ?? 'the agent span ended with an error' }
        : { type: 'turn.ended', agentId, taskId },
    );
    seen.push({ traceId: span.traceId, spanId: span.spanId, taskId, agentId });
    mapped.add(spanKey(span));
  }
  for (const span of batch) {
    const operation = str(span.attributes, 'gen_ai.operation.name');
    if (operation === 'invoke_agent') continue;
    const task = owner(span);
    // A span of another library (an HTTP call, a framework step) still links its children to their agent.
    if (task === 'missing') waiting.push(span);
    if (typeof task !== 'object') continue;
    seen.push({ traceId: span.traceId, spanId: span.spanId, ...task });
    if (operation === 'execute_tool') {
      actions.push(toolCall(span, task));
      mapped.add(spanKey(span));
    } else if (operation !== undefined && MODEL_OPERATIONS.has(operation)) {
      actions.push(modelCall(span, task));
      mapped.add(spanKey(span));
    }
  }
  return { activities: [...actions, ...finishes], mapped, seen, waiting };
}

function toolCall(span: OtlpSpan, task: { taskId: string; agentId: string }): Activity {
  const a = span.attributes;
  const tool = str(a, 'gen_ai.tool.name') ?? span.name;
  const ms = span.start !== undefined && span.end !== undefined ? span.end - span.start : undefined;
  const took = ms === undefined ? '' : ` in ${ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`}`;
  const error = span.statusMessage ?? str(a, 'error.type');
  return {
    type: 'tool.ended',
    ...task,
    step: tool.slice(0, 200),
    message: span.failed ? `${tool} failed${took}${error ? `: ${error}` : ''}` : `${tool} succeeded${took}`,
    level: span.failed ? 'error' : 'info',
    key: requestKey(task.agentId, `tool:${str(a, 'gen_ai.tool.call.id') ?? span.spanId}`),
  };
}

function modelCall(span: OtlpSpan, task: { taskId: string; agentId: string }): Activity {
  const a = span.attributes;
  const model = str(a, 'gen_ai.response.model') ?? str(a, 'gen_ai.request.model');
  const counts = {
    inputTokens: firstInt(a, TOKEN_ATTRIBUTES.inputTokens),
    outputTokens: firstInt(a, TOKEN_ATTRIBUTES.outputTokens),
    cacheReadTokens: firstInt(a, TOKEN_ATTRIBUTES.cacheReadTokens),
    cacheWriteTokens: firstInt(a, TOKEN_ATTRIBUTES.cacheWriteTokens),
  };
  return {
    type: 'usage',
    ...task,
    report: {
      ...counts,
      ...(model ? { model: model.slice(0, 200) } : {}),
      // A span is one request: its response id, else the span's own id, names it.
      requestId: requestKey(task.agentId, str(a, 'gen_ai.response.id') ?? `span:${span.spanId}`),
    },
  };
}
