/**
 * `components.schemas` of the OpenAPI document, generated from the zod schemas: entities and responses as the daemon
 * sends them (zod's output view), request bodies as a client may write them (input view: defaults make fields optional).
 */
import { z } from 'zod';
import {
  AgentHeartbeatBody,
  ApprovalDecisionBody,
  BudgetBody,
  ClaimBody,
  CleanupBody,
  CommandSchema,
  CreateTaskBody,
  CreateWebhookBody,
  NextBody,
  PatchTaskBody,
  RESPONSE_SCHEMAS,
  ResetBody,
  StuckResetBody,
  TaskHeartbeatBody,
  TransitionBody,
  type JsonSchema,
} from '../../protocol/index.js';

const REQUEST_SCHEMAS: Record<string, z.ZodType> = {
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
  ApprovalDecisionBody,
  CreateWebhookBody,
  Command: CommandSchema,
  BudgetBody,
};

const names = new Map<z.ZodType, string>([
  ...Object.entries(RESPONSE_SCHEMAS).map(([name, schema]) => [schema, name] as const),
  ...Object.entries(REQUEST_SCHEMAS).map(([name, schema]) => [schema, name] as const),
]);

/** A `$ref` to the component a zod schema of the route table is generated as. */
export function schemaRef(schema: z.ZodType): JsonSchema {
  const name = names.get(schema);
  if (!name) throw new Error('a schema of the route table has no component name');
  return { $ref: `#/components/schemas/${name}` };
}

export function componentSchemas(): Record<string, JsonSchema> {
  return { ...convert(RESPONSE_SCHEMAS, 'output'), ...convert(REQUEST_SCHEMAS, 'input') };
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
