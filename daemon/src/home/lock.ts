/** One daemon per home: an exclusive lock file holding the owner's pid. A lock whose process is gone is stale. */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

export class HomeLockedError extends Error {
  constructor(
    readonly pid: number,
    home: string,
  ) {
    super(`another agent-tracker daemon (pid ${pid}) is already running on ${home}; stop it first or use --home`);
    this.name = 'HomeLockedError';
  }
}

export class HomeLock {
  private constructor(private readonly path: string) {}

  static acquire(path: string, home: string): HomeLock {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o600);
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return new HomeLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = readOwner(path);
        if (owner !== null && owner !== process.pid && isAlive(owner)) throw new HomeLockedError(owner, home);
        unlinkSync(path);
      }
    }
    throw new Error(`could not take the lock ${path}`);
  }

  release(): void {
    try {
      if (readOwner(this.path) === process.pid) unlinkSync(this.path);
    } catch {
      // Already gone: nothing to release.
    }
  }
}

function readOwner(path: string): number | null {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
