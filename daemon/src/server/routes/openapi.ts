/** `GET /v1/openapi.json`: the document is built once (it depends only on the version). Like every route but `/healthz`, it needs the token. */
import { buildOpenApiDocument } from '../openapi/index.js';
import type { Handlers } from './handlers.js';

export function openapiHandlers(version: string): Pick<Handlers, 'openapi'> {
  const document = buildOpenApiDocument(version);
  return {
    openapi: (_req, res) => {
      res.json(document);
    },
  };
}
