/**
 * `agent-tracker doctor` (reads the home, changes nothing) and `agent-tracker repair` (keeps every good event of a
 * damaged log, sets the damaged lines aside, and says what it dropped). Both work without a daemon; repair refuses
 * while one runs on the home.
 */
import { Command } from 'commander';
import { homePaths, resolveHome } from '../home/home.js';
import { HomeLockedError } from '../home/lock.js';
import { checkHome, describeCheck, repairHome, type HomeCheck } from '../store/file/logCheck.js';
import { action, output, warn, withCommonOptions, type CommonOptions } from './context.js';
import { EXIT_OK, EXIT_REFUSED } from './exitCodes.js';

export function doctorCommand(): Command {
  return withCommonOptions(
    new Command('doctor').description('check the home folder (event log, snapshot) without changing it; exits 1 when something needs repair'),
  ).action(
    action(async (options: CommonOptions) => {
      const check = await checkHome(homePaths(resolveHome(options.home)));
      output(options, check, () => [...describeCheck(check), ...verdict(check)].join('\n'));
      return check.refusesToStart || check.damaged.length > 0 || check.missing.length > 0 ? EXIT_REFUSED : EXIT_OK;
    }),
  );
}

function verdict(check: HomeCheck): string[] {
  const lines = [
    check.refusesToStart
      ? 'verdict   the daemon refuses to start on this log: `agent-tracker repair` keeps every good event'
      : 'verdict   the daemon starts on this home',
  ];
  if (check.damaged.length > 0 && !check.refusesToStart) lines.push('          `agent-tracker repair` drops the damaged lines (a copy of each segment is kept)');
  if (check.missing.length > 0) lines.push('          events are missing: the log cannot give them back; restore a backup to have them');
  return lines;
}

export function repairCommand(): Command {
  return withCommonOptions(
    new Command('repair').description(
      'keep every good event of a damaged event log: damaged lines are removed (the segments are copied aside first) and listed',
    ),
  ).action(
    action(async (options: CommonOptions) => {
      let report;
      try {
        report = await repairHome(homePaths(resolveHome(options.home)));
      } catch (error) {
        if (!(error instanceof HomeLockedError)) throw error;
        warn(error.message);
        return EXIT_REFUSED;
      }
      output(options, report, () => {
        if (report.backups.length === 0) return [...describeCheck(report), 'repair    nothing to repair'].join('\n');
        return [
          ...describeCheck(report),
          `dropped   ${report.dropped.length} damaged line${report.dropped.length === 1 ? '' : 's'}` +
            `${report.cut.length ? `, ${report.cut.reduce((n, t) => n + t.bytes, 0)} bytes of unfinished writes` : ''}`,
          ...report.backups.map((path) => `backup    ${path}`),
          `after     ${report.after.events} events up to seq ${report.after.lastSeq}, ` +
            `${report.after.damaged.length === 0 ? 'no damaged line' : `${report.after.damaged.length} damaged lines left`}`,
        ].join('\n');
      });
      return report.after.refusesToStart ? EXIT_REFUSED : EXIT_OK;
    }),
  );
}
