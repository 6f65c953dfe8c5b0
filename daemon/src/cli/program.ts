/** The `agent-tracker` command line: wires the command groups and maps every outcome to an exit code. */
import { Command, CommanderError } from 'commander';
import { agentCommands, nextCommand } from './agentCommands.js';
import { approvalCommands } from './approvalCommands.js';
import { backupCommand, restoreCommand } from './backupCommands.js';
import { budgetCommands } from './budgetCommands.js';
import { dbCommands } from './dbCommands.js';
import { daemonCommand } from './daemonCommand.js';
import { demoCommand } from './demoCommand.js';
import { doctorCommand, repairCommand } from './doctorCommands.js';
import { eventsCommands } from './eventsCommands.js';
import { EXIT_OK, EXIT_USAGE } from './exitCodes.js';
import { mcpCommand } from './mcpCommand.js';
import { hookCommand, hooksCommands } from './hooksCommand.js';
import { runCommand } from './runCommand.js';
import { statusCommand } from './statusCommand.js';
import { taskCommands } from './taskCommands.js';
import { openCommand } from './openCommand.js';
import { webhooksCommands } from './webhooksCommands.js';
import { VERSION } from '../common/version.js';

export function buildProgram(): Command {
  const program = new Command('agent-tracker')
    .description('Track what every AI agent on this machine is doing.')
    .version(VERSION, '-V, --version')
    // Options belong to the command they follow, so `run` can pass the wrapped command's own flags through.
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const groups = [
    daemonCommand(),
    taskCommands(),
    agentCommands(),
    nextCommand(),
    eventsCommands(),
    statusCommand(),
    runCommand(),
    demoCommand(),
    mcpCommand(),
    hooksCommands(),
    hookCommand(),
    doctorCommand(),
    repairCommand(),
    backupCommand(),
    restoreCommand(),
    dbCommands(),
    ...approvalCommands(),
    webhooksCommands(),
    openCommand(),
    budgetCommands(),
  ];
  for (const group of groups) program.addCommand(group);
  // addCommand does not copy settings to commands built on their own: give every one of them the same handling.
  const apply = (command: Command): void => {
    command.exitOverride().showHelpAfterError('(run with --help for usage)');
    for (const sub of command.commands) apply(sub);
  };
  for (const group of groups) apply(group);
  return program;
}

/** Parses and runs; resolves to the exit code (usage errors are 2, help and version 0). */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    throw error;
  }
}
