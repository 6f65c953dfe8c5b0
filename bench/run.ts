/**
 * `npm run bench`: every benchmark of the project in one run, printed as tables, and the figures written to
 * bench-output/latest.json. BENCH_DURATION sets the seconds of each load run of the core benchmark (default 5),
 * BENCH_CONNECTIONS its connections (default 32).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { benchApprovals } from './daemon/approvals.js';
import { benchBoard } from './daemon/board.js';
import { benchCore } from './daemon/core.js';
import { benchHistory } from './daemon/history.js';
import { benchHooks } from './daemon/hooks.js';
import { benchLive } from './daemon/live.js';
import { benchBudgets } from './daemon/budgets.js';
import { benchProtocols } from './daemon/protocols.js';
import { benchTeam } from './daemon/team.js';
import { benchExtensionModel } from './extension/model.js';

const durationSec = Number(process.env.BENCH_DURATION ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);

const started = performance.now();
const seconds = () => Math.round((performance.now() - started) / 1000);
const core = await benchCore({ durationSec, connections });
const coreSeconds = seconds();
const live = await benchLive();
const liveSeconds = seconds() - coreSeconds;
const hooks = await benchHooks();
const budgets = await benchBudgets();
const hooksSeconds = seconds() - coreSeconds - liveSeconds;
const approvalsStarted = seconds();
const approvals = await benchApprovals();
const approvalsSeconds = seconds() - approvalsStarted;
const history = await benchHistory();
const historySeconds = seconds() - coreSeconds - liveSeconds - hooksSeconds - approvalsSeconds;
const protocols = await benchProtocols();
const protocolsSeconds = seconds() - coreSeconds - liveSeconds - hooksSeconds - approvalsSeconds - historySeconds;
const team = await benchTeam();
const teamSeconds = seconds() - coreSeconds - liveSeconds - hooksSeconds - approvalsSeconds - historySeconds - protocolsSeconds;
const board = await benchBoard();
const boardSeconds = seconds() - coreSeconds - liveSeconds - hooksSeconds - approvalsSeconds - historySeconds - protocolsSeconds - teamSeconds;
console.log('');
// The extension model benchmark prints its own table; it returns no figures.
await benchExtensionModel();

const output = {
  at: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  core,
  live,
  hooks,
  approvals,
  budgets,
  history,
  protocols,
  team,
  board,
  seconds: {
    core: coreSeconds,
    live: liveSeconds,
    hooks: hooksSeconds,
    approvals: approvalsSeconds,
    history: historySeconds,
    protocols: protocolsSeconds,
    team: teamSeconds,
    board: boardSeconds,
    total: seconds(),
  },
};
mkdirSync('bench-output', { recursive: true });
writeFileSync('bench-output/latest.json', JSON.stringify(output, null, 2) + '\n');
console.log(`\nfigures written to bench-output/latest.json (${output.seconds.total} s in all)`);
