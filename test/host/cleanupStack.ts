// Teardown that runs on every way out of a runner: normal end, failure, timeout, SIGINT and SIGTERM.
import { describeError } from '../../daemon/src/protocol/index.js';
type Cleanup = () => Promise<void>;

const stack: Cleanup[] = [];
let running: Promise<void> | undefined;

/** Registers a teardown step; steps run newest first (the browser before the server it talks to). */
export function onCleanup(step: Cleanup): void {
  stack.push(step);
}

export function runCleanups(): Promise<void> {
  running ??= (async () => {
    for (let step = stack.pop(); step !== undefined; step = stack.pop()) {
      await step().catch((error: unknown) => console.error(`cleanup failed: ${describeError(error)}`));
    }
  })();
  return running;
}

/** Stops everything, then exits with the conventional 128 + signal number. */
function exitOnSignals(): void {
  const handle = (signal: NodeJS.Signals, code: number) => () => {
    console.error(`\n${signal}: stopping the VS Code server and the browser`);
    void runCleanups().finally(() => process.exit(code));
  };
  process.once('SIGINT', handle('SIGINT', 130));
  process.once('SIGTERM', handle('SIGTERM', 143));
}

/** A runner's whole life: `main` gives the exit code, a thrown error is printed and exits 1, teardown runs either way. */
export function runWithCleanups(main: () => Promise<number>): void {
  exitOnSignals();
  void main()
    .catch((error: unknown) => {
      console.error(describeError(error));
      return 1;
    })
    .then(async (code) => {
      await runCleanups();
      process.exit(code);
    });
}
