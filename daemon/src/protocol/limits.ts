/** Size limits of the contract, shared by validation on both sides of the wire. */
export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_WS_MESSAGE_BYTES = 1024 * 1024;
export const MAX_TITLE_CHARS = 500;
export const MAX_TEXT_CHARS = 64 * 1024;
/** Names, types, steps, tags and other short labels. */
export const MAX_LABEL_CHARS = 200;
/** `errors` keeps this many entries, newest last. */
export const MAX_TASK_ERRORS = 20;
export const MAX_TAGS = 50;
export const MAX_LIST_LIMIT = 1000;
export const DEFAULT_LIST_LIMIT = 100;
export const MIN_LEASE_MS = 1000;
export const MAX_LEASE_MS = 24 * 60 * 60 * 1000;
/**
 * How deeply objects and arrays may nest in anything the daemon takes in (bodies, inbox lines, stream frames, OTLP and
 * MCP payloads). Real payloads stay far below it; thousands of levels would make encoding the event overflow the stack.
 */
export const MAX_JSON_DEPTH = 64;
/**
 * A stream frame wraps an event, which wraps what a body carried (`{ event: { data: { input } } }`; a created event of
 * an older log one level more, `data: { task: { input } }`).
 */
export const MAX_FRAME_DEPTH = MAX_JSON_DEPTH + 8;
/**
 * The most one usage report may count of tokens, requests or tool calls: a model request holds at most a few million
 * tokens, so anything beyond is a broken or hostile report, refused (400) wherever it comes in (HTTP, batch, inbox,
 * hooks' transcripts, OTLP). Far below the point where sums lose integer precision.
 */
export const MAX_USAGE_COUNT = 1e10;
/** The most one usage report may cost, in US dollars. */
export const MAX_USAGE_COST_USD = 1e6;
/** Where usage sums saturate: a total stays a finite, exact number however many reports add to it. */
export const MAX_USAGE_SUM = Number.MAX_SAFE_INTEGER;
