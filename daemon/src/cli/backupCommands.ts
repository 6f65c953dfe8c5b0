/** `agent-tracker backup --out FILE` (from the running daemon) and `agent-tracker restore FILE --home DIR` (offline). */
import { open, rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { BackupFormatError, readBackup, type BackupImage } from '../store/backup.js';
import { restoreIntoHome, RestoreRefusedError } from '../store/file/homeRestore.js';
import { HomeLockedError } from '../store/file/lock.js';
import { action, connect, output, printJson, warn, withCommonOptions, type CommonOptions } from './context.js';
import { EXIT_REFUSED, UsageError } from './exitCodes.js';

interface BackupOptions extends CommonOptions {
  out: string;
}

interface RestoreOptions {
  home?: string;
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
  if (!options.home) throw new UsageError('restore needs a target: --home DIR');
  try {
    const image = readBackup(resolve(file));
    const home = resolve(options.home);
    await restoreIntoHome(home, image, { force: Boolean(options.force) });
    output(options, { home, ...summary(image) }, () => `restored seq ${image.seq} (${describe(image)}) into ${home}`);
    return 0;
  } catch (error) {
    if (!(error instanceof BackupFormatError || error instanceof RestoreRefusedError || error instanceof HomeLockedError)) throw error;
    if (options.json) printJson({ error: { code: 'refused', message: error.message } });
    warn(error.message);
    return EXIT_REFUSED;
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
