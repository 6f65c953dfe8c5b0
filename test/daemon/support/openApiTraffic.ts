/**
 * Holds real traffic against the OpenAPI document, independently of the zod schemas it was generated from: every
 * answer of a documented operation must carry a documented status, the documented media type, and a JSON body that
 * the document's JSON Schema (checked by Ajv) accepts.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { buildOpenApiDocument } from '../../../daemon/src/server/openapi/index.js';

// ajv-formats is CommonJS: its default export arrives wrapped under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

interface MediaType {
  schema?: Record<string, unknown>;
}
interface ResponseObject {
  $ref?: string;
  description?: string;
  content?: Record<string, MediaType>;
}
interface Operation {
  operationId: string;
  responses: Record<string, ResponseObject>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, ResponseObject> };
}

export interface Exchange {
  method: string;
  /** The request path, query included. */
  path: string;
  status: number;
  contentType: string | undefined;
  text: string;
}

const DOCUMENT_ID = 'https://agent-tracker.invalid/openapi.json';

export class OpenApiTraffic {
  private readonly document: Document;
  private readonly ajv: Ajv2020;
  private readonly routes: { pattern: RegExp; template: string }[];
  private readonly validators = new Map<string, ValidateFunction>();
  /** Operations and statuses seen, as `operationId status`. */
  readonly seen = new Set<string>();

  constructor(document: unknown = buildOpenApiDocument('traffic')) {
    this.document = document as Document;
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ ...(document as object), $id: DOCUMENT_ID });
    this.routes = Object.keys(this.document.paths).map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    }));
  }

  /** Throws when an answer of a documented operation is not what the document says; other paths are not its business. */
  check(exchange: Exchange): void {
    const path = exchange.path.split('?')[0] ?? '';
    const template = this.routes.find((r) => r.pattern.test(path))?.template;
    const operation = template ? this.document.paths[template]?.[exchange.method.toLowerCase()] : undefined;
    if (!template || !operation) return;
    const label = `${exchange.method} ${exchange.path} -> ${exchange.status}`;
    const documented = this.resolve(operation.responses[String(exchange.status)]);
    if (!documented) throw new Error(`${label}: status not documented for ${operation.operationId} (${exchange.text.slice(0, 300)})`);
    this.seen.add(`${operation.operationId} ${exchange.status}`);
    const media = Object.keys(documented.content ?? {});
    if (media.length === 0) {
      if (exchange.text !== '') throw new Error(`${label}: documented without a body, got ${exchange.text.slice(0, 200)}`);
      return;
    }
    const type = (exchange.contentType ?? '').split(';')[0]?.trim() ?? '';
    if (!media.includes(type)) throw new Error(`${label}: content type ${type || '(none)'}, documented ${media.join(', ')}`);
    if (type !== 'application/json') return;
    const key = `${template} ${exchange.method} ${exchange.status}`;
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(this.absolute(documented.content?.[type]?.schema ?? {}));
      this.validators.set(key, validate);
    }
    if (!validate(JSON.parse(exchange.text))) {
      throw new Error(`${label}: body breaks the document: ${this.ajv.errorsText(validate.errors)}\n${exchange.text.slice(0, 500)}`);
    }
  }

  private resolve(response: ResponseObject | undefined): ResponseObject | undefined {
    const ref = response?.$ref;
    if (!ref) return response;
    return this.document.components.responses[ref.split('/').at(-1) ?? ''];
  }

  /** Makes the document's local `$ref`s point into the registered document. */
  private absolute(schema: Record<string, unknown>): Record<string, unknown> {
    return JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#/g, `"$ref":"${DOCUMENT_ID}#`)) as Record<string, unknown>;
  }
}
