/** `GET /v1/openapi.json`: the document is built once, when the router is made (it depends only on the version). */
import { Router } from 'express';
import { buildOpenApiDocument } from '../openapi/index.js';

/** Mount after the auth middleware: like every route but `/healthz`, the document needs the bearer token. */
export function openapiRouter(version: string): Router {
  const document = buildOpenApiDocument(version);
  const router = Router();
  router.get('/v1/openapi.json', (_req, res) => {
    res.json(document);
  });
  return router;
}
