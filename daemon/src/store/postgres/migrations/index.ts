/** The schema's numbered migrations, applied in order, each once (see migrate.ts). Never edit one that shipped. */
import { sql as registry } from './0001_registry.js';
import { sql as approvals } from './0002_approvals.js';
import { sql as inboxCursor } from './0003_inbox_cursor.js';
import { sql as summaries } from './0004_summaries.js';
import { sql as groupCommit } from './0005_group_commit.js';
import { sql as setBasedChecks } from './0006_set_based_checks.js';
import { sql as commitUnits } from './0007_commit_units.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'registry', sql: registry },
  { version: 2, name: 'approvals', sql: approvals },
  { version: 3, name: 'inbox cursor upsert', sql: inboxCursor },
  { version: 4, name: 'summaries', sql: summaries },
  { version: 5, name: 'group commit and daemons', sql: groupCommit },
  { version: 6, name: 'set-based commit checks', sql: setBasedChecks },
  { version: 7, name: 'commit units', sql: commitUnits },
];
