/**
 * `agent-tracker backup --out FILE` (from the running daemon) and `agent-tracker restore FILE (--home DIR | --store
 * URL)` (into a home or a database no daemon runs on): the one backup format moves a registry between the stores.
 */
import { open, rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { BackupFormatError, readBackup, type BackupImage } from '../store/backup.js';
import { restoreIntoHome, RestoreRefusedError } from '../store/file/homeRestore.js';
import { HomeLockedError } from '../home/lock.js';
import { DatabaseRefusedError, restoreIntoDatabase } from '../store/postgres/pgRestore.js';
import { describeUrl } from '../store/postgres/pgStore.js';
import { resolveHome } from '../home/home.js';
import { storeUrl } from '../common/settings.js';
import { action, connect, output, printJson, warn, withCommonOptions, type CommonOptions } from './context.js';
import { EXIT_REFUSED, UsageError } from './exitCodes.js';
import { describeError } from '../protocol/index.js';

interface BackupOptions extends CommonOptions {
  out: string;
}

interface RestoreOptions {
  home?: string;
  store?: string;
  force?: boolean;
  json?: boolean;
}

export function backupCommand(): Command {
  return withCommonOptions(new Command('backup').description('write a consistent backup of the running daemon\'s registry'))
    .requiredOption('--out <file>', 'the backup file to write (JSON Lines)')
    .action(action(backup));
}

export function restoreCommand(): Command {
  return new Command('restore')
    .description('restore a backup into a home no daemon runs on (refuses one that holds data unless --force)')
    .argument('<file>', 'a file written by agent-tracker backup')
    .option('--home <dir>', 'the daemon home to restore into')
    .option('--store <url>', 'the PostgreSQL database to restore into (team mode)')
    .option('--force', 'replace the registry the target holds')
    .option('--json', 'machine-readable output on stdout')
    .action(action(restore));
}

async function backup(options: BackupOptions): Promise<number> {
  const client = await connect(options);
  const out = resolve(options.out);
  // Written beside the target and renamed once complete and checked: a cut download never passes for a backup.
  const partial = `${out}.partial`;
  const body = await client.backup();
  const handle = await open(partial, 'w', 0o600);
  try {
    for await (const chunk of body) await handle.write(chunk);
    await handle.sync();
  } finally {
    await handle.close();
  }
  let image: BackupImage;
  try {
    image = readBackup(partial);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  await rename(partial, out);
  output(options, { file: out, ...summary(image) }, () => `backup at seq ${image.seq} (${describe(image)}) written to ${out}`);
  return 0;
}

async function restore(file: string, options: RestoreOptions): Promise<number> {
  if (Boolean(options.home) === Boolean(options.store)) throw new UsageError('restore needs one target: --home DIR or --store URL');
  const url = options.store === undefined ? undefined : parseStoreUrl(options.store);
  try {
    const image = readBackup(resolve(file));
    const force = Boolean(options.force);
    const target = url ? describeUrl(url) : resolve(options.home as string);
    // A database keeps the backup's inbox cursors for this machine's default home: the inbox is per machine.
    if (url) await restoreIntoDatabase(url, image, { force, home: resolveHome() });
    else await restoreIntoHome(target, image, { force });
    output(options, { target, ...summary(image) }, () => `restored seq ${image.seq} (${describe(image)}) into ${target}`);
    return 0;
  } catch (error) {
    const refused = [BackupFormatError, RestoreRefusedError, HomeLockedError, DatabaseRefusedError].some((type) => error instanceof type);
    if (!refused) throw error;
    if (options.json) printJson({ error: { code: 'refused', message: describeError(error) } });
    warn(describeError(error));
    return EXIT_REFUSED;
  }
}

function parseStoreUrl(raw: string): string {
  try {
    return storeUrl(raw) as string;
  } catch (error) {
    throw new UsageError(describeError(error));
  }
}

function summary(image: BackupImage) {
  return {
    seq: image.seq,
    counts: { events: image.events.length, tasks: image.tasks.length, agents: image.agents.length },
  };
}

function describe(image: BackupImage): string {
  return `${image.tasks.length} tasks, ${image.agents.length} agents, ${image.events.length} events`;
}
