/** The daemon's OpenAPI 3.1 document, generated from the protocol's zod schemas. */
export { buildOpenApiDocument } from './document.js';
export { ROUTES, type Route } from './routes.js';
export { OUTPUT_SCHEMAS } from './schemas.js';
