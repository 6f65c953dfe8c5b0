/** The daemon's OpenAPI 3.1 document, generated from the route table and the protocol's zod schemas. */
export { buildOpenApiDocument } from './document.js';
