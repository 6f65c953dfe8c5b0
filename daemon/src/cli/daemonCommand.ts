/** `agent-tracker daemon`: parses the daemon's flags and hands over to `runDaemon`; no tracking logic here. */
import { Command } from 'commander';
import type { DaemonSettings } from '../main.js';
import { intOption, warn } from './context.js';
import { EXIT_REFUSED, EXIT_USAGE } from './exitCodes.js';
import { installForwarder } from './hooks/forwarderFiles.js';
import { describeError } from '../protocol/index.js';

interface DaemonFlags {
  home?: string;
  port?: number;
  host?: string;
  agentTimeoutMs?: number;
  defaultLeaseMs?: number;
  retentionDays?: number;
  store?: string;
  tlsCert?: string;
  tlsKey?: string;
  prices?: string;
}

export function daemonCommand(): Command {
  return new Command('daemon')
    .description('run the tracking daemon in the foreground (SIGINT/SIGTERM: flush and exit)')
    .option('--home <dir>', 'daemon home (default: $AGENT_TRACKER_HOME or ~/.agent-tracker)')
    .option('--port <n>', 'port; 0 picks a free one (default 7421)', intOption(0, 65535))
    .option('--host <host>', 'interface to listen on (default 127.0.0.1; any other needs --tls-cert and --tls-key)')
    .option('--tls-cert <file>', 'serve https/wss with this PEM certificate (with --tls-key)')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert')
    .option('--agent-timeout-ms <ms>', 'an agent unseen this long is offline (default 60000)', intOption(1, 2 ** 31 - 1))
    .option('--default-lease-ms <ms>', 'lease of a claim without leaseMs (default 60000)', intOption(1, 2 ** 31 - 1))
    .option('--retention-days <days>', 'history kept this many days (default 30)', intOption(0, 36500))
    .option('--store <url>', 'share a PostgreSQL database with other daemons (team mode; default: $AGENT_TRACKER_STORE, else the home\'s files)')
    .option('--prices <file>', "model prices overriding the built-in ones (default: $AGENT_TRACKER_PRICES, else the home's prices.json if present)")
    .option('--json', 'accepted for symmetry with the other commands; the daemon logs to stderr')
    .action(async (flags: DaemonFlags) => {
      // Loaded only here: the other commands start faster without the server's dependencies.
      const { resolveSettings, runDaemon } = await import('../main.js');
      let settings: DaemonSettings;
      try {
        settings = resolveSettings(definedOnly(flags));
      } catch (error) {
        warn(describeError(error));
        process.exitCode = EXIT_USAGE;
        return;
      }
      try {
        // Hooks run the forwarder from the home: keep it current with this build and runtime (best effort).
        installForwarder(settings.home);
      } catch (error) {
        warn(`could not refresh the hook forwarder: ${describeError(error)}`);
      }
      try {
        await runDaemon(settings);
      } catch (error) {
        warn(describeError(error));
        process.exitCode = EXIT_REFUSED;
      }
    });
}

/** Only the flags given: an `undefined` must not override the environment or the defaults. */
function definedOnly(flags: DaemonFlags): Partial<DaemonSettings> {
  const settings: Partial<DaemonSettings> = {};
  if (flags.home !== undefined) settings.home = flags.home;
  if (flags.port !== undefined) settings.port = flags.port;
  if (flags.host !== undefined) settings.host = flags.host;
  if (flags.agentTimeoutMs !== undefined) settings.agentTimeoutMs = flags.agentTimeoutMs;
  if (flags.defaultLeaseMs !== undefined) settings.defaultLeaseMs = flags.defaultLeaseMs;
  if (flags.retentionDays !== undefined) settings.retentionDays = flags.retentionDays;
  if (flags.store !== undefined) settings.store = flags.store;
  if (flags.tlsCert !== undefined) settings.tlsCert = flags.tlsCert;
  if (flags.tlsKey !== undefined) settings.tlsKey = flags.tlsKey;
  if (flags.prices !== undefined) settings.prices = flags.prices;
  return settings;
}
