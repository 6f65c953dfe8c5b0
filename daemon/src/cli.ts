#!/usr/bin/env node
/** The `agent-tracker` executable: everything happens in cli/program.ts. */
import { runCli } from './cli/program.js';

runCli(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`agent-tracker: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
