/**
 * `agent-tracker db migrate --store URL` brings a team database's schema up to date (daemons also do it at start);
 * `agent-tracker db status --store URL` shows its schema version, the leader and each daemon seen with its lag.
 */
import { Command } from 'commander';
import pg from 'pg';
import { migrate } from '../store/postgres/migrate.js';
import { connectionConfig, describeUrl } from '../store/postgres/pgStore.js';
import { readTeamStatus, type TeamStatus } from '../store/postgres/teamStatus.js';
import { storeUrl } from '../common/settings.js';
import { action, output } from './context.js';
import { renderTable } from './table.js';
import { UsageError } from './exitCodes.js';
import { describeError } from '../protocol/index.js';

interface MigrateOptions {
  store?: string;
  json?: boolean;
}

export function dbCommands(): Command {
  const db = new Command('db').description('the team database (PostgreSQL)');
  db.command('migrate')
    .description('apply the schema migrations the database lacks')
    .option('--store <url>', 'the database (default: $AGENT_TRACKER_STORE)')
    .option('--json', 'machine-readable output on stdout')
    .action(action(runMigrate));
  db.command('status')
    .description('the schema version, the leader and every daemon seen on the database, with its lag')
    .option('--store <url>', 'the database (default: $AGENT_TRACKER_STORE)')
    .option('--json', 'machine-readable output on stdout')
    .action(action(runStatus));
  return db;
}

function databaseUrl(options: MigrateOptions, command: string): string {
  let url: string | undefined;
  try {
    url = storeUrl(options.store ?? process.env.AGENT_TRACKER_STORE);
  } catch (error) {
    throw new UsageError(describeError(error));
  }
  if (!url) throw new UsageError(`db ${command} needs --store postgres://... (or AGENT_TRACKER_STORE)`);
  return url;
}

async function runStatus(options: MigrateOptions): Promise<number> {
  const url = databaseUrl(options, 'status');
  const client = new pg.Client(connectionConfig(url));
  await client.connect();
  try {
    const status = await readTeamStatus(client);
    output(options, { store: describeUrl(url), ...status }, () => describeStatus(describeUrl(url), status));
    return 0;
  } finally {
    await client.end();
  }
}

function describeStatus(where: string, status: TeamStatus): string {
  const lines = [
    `${where}: schema version ${status.schemaVersion}${status.schemaVersion < status.knownSchemaVersion ? ` (this build migrates it to ${status.knownSchemaVersion})` : ''}, seq ${status.seq}`,
    `leader: ${
      status.leader
        ? `${status.leader.host} ${status.leader.home} (pid ${status.leader.pid})`
        : status.leaderLockHeld
          ? 'held by a daemon not seen yet'
          : 'none (no daemon runs stuck detection and retention)'
    }`,
  ];
  if (status.daemons.length === 0) return [...lines, 'no daemon seen in the last day'].join('\n');
  const rows = status.daemons.map((d) => [
    d.host,
    d.home,
    String(d.pid),
    d.version,
    `${(d.seenMsAgo / 1000).toFixed(1)}s ago${d.quiet ? ' (quiet)' : ''}`,
    `${d.lagEvents} events`,
    d.leader ? 'leader' : 'follower',
  ]);
  return [...lines, '', renderTable(['HOST', 'HOME', 'PID', 'VERSION', 'SEEN', 'LAG', 'ROLE'], rows)].join('\n');
}

async function runMigrate(options: MigrateOptions): Promise<number> {
  const url = databaseUrl(options, 'migrate');
  const client = new pg.Client(connectionConfig(url));
  await client.connect();
  try {
    const report = await migrate(client);
    output(options, { store: describeUrl(url), ...report }, () =>
      report.applied.length > 0
        ? `${describeUrl(url)}: applied migration ${report.applied.join(', ')}; schema at version ${report.version}`
        : `${describeUrl(url)}: schema already at version ${report.version}`,
    );
    return 0;
  } finally {
    await client.end();
  }
}
