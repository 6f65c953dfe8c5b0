/**
 * `components.schemas` of the OpenAPI document, generated from the zod schemas: entities and responses as the daemon
 * sends them (zod's output view), request bodies as a client may write them (input view: defaults make fields optional).
 */
import { z } from 'zod';
import * as responses from '../client/responses.js';
import {
  AgentHeartbeatBody,
  AgentSchema,
  ClaimBody,
  CleanupBody,
  CommandSchema,
  CreateTaskBody,
  EventSchema,
  NextBody,
  PatchTaskBody,
  ReplaySchema,
  ResetBody,
  StreamFrameSchema,
  StuckResetBody,
  TaskHeartbeatBody,
  TaskSchema,
  TransitionBody,
} from '../protocol/index.js';

export type JsonSchema = Record<string, unknown>;

/** What the daemon sends, by component name (tests check live responses against these). */
export const OUTPUT_SCHEMAS: Record<string, z.ZodType> = {
  Task: TaskSchema,
  Agent: AgentSchema,
  Event: EventSchema,
  Replay: ReplaySchema,
  StreamFrame: StreamFrameSchema,
  Error: responses.ErrorBodySchema,
  Health: responses.HealthSchema,
  TaskPage: responses.TaskPageSchema,
  TaskItems: responses.TaskItemsSchema,
  AgentItems: responses.AgentItemsSchema,
  EventItems: responses.EventItemsSchema,
  HistoryPage: responses.HistoryPageSchema,
  ClaimResult: responses.ClaimResultSchema,
  TaskHeartbeatResult: responses.TaskHeartbeatResultSchema,
  NextResult: responses.NextResultSchema,
  AgentResetResult: responses.AgentResetResultSchema,
  StuckResetResult: responses.StuckResetResultSchema,
  CleanupResult: responses.CleanupResultSchema,
  HookAccepted: responses.HookAcceptedSchema,
  BatchResponse: responses.BatchResponseSchema,
  Stats: responses.StatsSchema,
};

const INPUT_SCHEMAS: Record<string, z.ZodType> = {
  CreateTaskBody,
  PatchTaskBody,
  TransitionBody,
  ClaimBody,
  TaskHeartbeatBody,
  ResetBody,
  StuckResetBody,
  AgentHeartbeatBody,
  NextBody,
  CleanupBody,
  Command: CommandSchema,
};

export const schemaRef = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

export function componentSchemas(): Record<string, JsonSchema> {
  return { ...convert(OUTPUT_SCHEMAS, 'output'), ...convert(INPUT_SCHEMAS, 'input') };
}

/** Converts a named set in one pass, so that a schema used by another is referenced rather than copied. */
function convert(named: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  const out: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    // Each generated schema names its dialect and id; inside an OpenAPI 3.1 document both come from the document.
    const { $schema: _dialect, $id: _id, ...rest } = schema as JsonSchema;
    out[id] = rest;
  }
  return out;
}
