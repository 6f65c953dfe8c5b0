#!/usr/bin/env node
/** The `agent-tracker` executable: everything happens in cli/program.ts. */
import { runCli } from './cli/program.js';
import { describeError } from './protocol/index.js';

runCli(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`agent-tracker: ${describeError(error, { stack: true })}\n`);
    process.exitCode = 1;
  },
);
