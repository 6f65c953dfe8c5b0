/** `agent-tracker db migrate --store URL`: brings a team database's schema up to date (daemons also do it at start). */
import { Command } from 'commander';
import pg from 'pg';
import { migrate } from '../store/postgres/migrate.js';
import { connectionConfig, describeUrl } from '../store/postgres/pgStore.js';
import { storeUrl } from '../settings.js';
import { action, output } from './context.js';
import { UsageError } from './exitCodes.js';

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
  return db;
}

async function runMigrate(options: MigrateOptions): Promise<number> {
  let url: string | undefined;
  try {
    url = storeUrl(options.store ?? process.env.AGENT_TRACKER_STORE);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!url) throw new UsageError('db migrate needs --store postgres://... (or AGENT_TRACKER_STORE)');
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
