/**
 * A process's clock moved with libfaketime (Debian's `faketime`), preloaded into it; timers keep real time (the
 * monotonic clock is left alone), so only the wall clock the process reads differs.
 */
import { existsSync } from 'node:fs';

const FAKETIME_LIBS = [
  '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1',
  '/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1',
  '/usr/lib/faketime/libfaketimeMT.so.1',
];

function preload(clock: Record<string, string>): NodeJS.ProcessEnv {
  const lib = FAKETIME_LIBS.find((path) => existsSync(path));
  if (!lib) throw new Error('libfaketime is not installed: apt-get install faketime');
  return { LD_PRELOAD: lib, FAKETIME_DONT_FAKE_MONOTONIC: '1', ...clock };
}

/** A clock `offset` off for the whole run (libfaketime's syntax: "-5m", "+5m"). */
export function skewedClock(offset: string): NodeJS.ProcessEnv {
  return preload({ FAKETIME: offset });
}

/**
 * A clock whose offset is whatever `file` holds ("-3h", "+0"): writing the file moves the process's time (forward only,
 * or its events go back in time). The file is read on every clock read (some microseconds each): libfaketime's cache
 * of it lags by seconds after a jump.
 */
export function movableClock(file: string): NodeJS.ProcessEnv {
  return preload({ FAKETIME_TIMESTAMP_FILE: file, FAKETIME_NO_CACHE: '1' });
}
