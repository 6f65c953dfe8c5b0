/** Runs the daemon for `agent-tracker daemon`: start, report, and stop cleanly on SIGTERM/SIGINT. No logic here. */
import { startDaemon } from './daemon.js';
import { consoleLogger } from './common/logger.js';
import { HomeLockedError } from './home/lock.js';
import { DamagedLogError } from './store/file/recovery.js';
import { PriceFileError } from './integrations/usage/priceFile.js';
import { resolveSettings, SettingsError, type DaemonFlags, type DaemonSettings } from './common/settings.js';
import { describeError } from './protocol/index.js';

export { resolveSettings, type DaemonFlags, type DaemonSettings };

/** Runs until SIGTERM/SIGINT, then flushes and exits 0; exits non-zero with a clear message when it cannot start. */
export async function runDaemon(settings: DaemonSettings): Promise<void> {
  const log = consoleLogger();
  // Everything the daemon creates in its home (snapshots, log segments, temporary files) is for its owner only.
  process.umask(0o077);
  let daemon;
  try {
    daemon = await startDaemon(settings, { log });
  } catch (error) {
    const known =
      error instanceof HomeLockedError ||
      error instanceof SettingsError ||
      error instanceof DamagedLogError ||
      error instanceof PriceFileError ||
      isListenError(error);
    log.error(known ? describeError(error) : `could not start: ${describeError(error, { stack: true })}`);
    process.exit(1);
  }
  const stop = (signal: string) => {
    log.info(`${signal}: flushing and stopping`);
    daemon.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error(`stopping failed: ${describeError(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

function isListenError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    const failure = error as Error;
    failure.message = `cannot listen: ${failure.message}`;
    return true;
  }
  return false;
}
