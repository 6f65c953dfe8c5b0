/**
 * 0002: approvals are folded from their events (no table of their own: the events are the record, as in the file
 * store). Loading the view reads them by type; this index keeps that read small in a registry of many events.
 */
export const sql = `
CREATE INDEX events_approvals ON events (seq) WHERE (event->>'type') LIKE 'approval.%';
`;
