/**
 * Puts the daemon together on a home folder: lock, token, store (recovered), tracker, stuck detection, HTTP server with
 * the event stream, inbox, retention and metrics, then daemon.json once listening. `close()` undoes it in reverse and
 * leaves nothing acknowledged unwritten.
 */
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { createApp } from './server/app.js';
import { systemClock, type Clock } from './common/clock.js';
import { Sweeper } from './engine/sweeper.js';
import { ProcessWatch } from './engine/liveness.js';
import { systemProcessProbe } from './engine/processProbe.js';
import { Tracker } from './engine/tracker.js';
import { homePaths, type DaemonInfo, type HomePaths } from './home/home.js';
import { createHttpServer, DEFAULT_HTTP_TIMEOUTS, type HttpTimeouts } from './server/httpServer.js';
import type { Logger } from './common/logger.js';
import { checkExposure, LOOPBACK_HOSTS, SettingsError, type DaemonSettings } from './common/settings.js';
import { readFileSync } from 'node:fs';
import { BoardSessions } from './server/board/sessions.js';
import { WebhookService, type WebhookTuning } from './notify/webhookService.js';
import { ensurePrivateDir, ensureToken, removeDaemonInfo, writeDaemonInfo } from './home/files.js';
import { Retention } from './engine/retention.js';
import { FileStore } from './store/file/fileStore.js';
import { HomeLock } from './home/lock.js';
import { PgStore } from './store/postgres/pgStore.js';
import type { Store } from './store/store.js';
import { EventStreamServer, type StreamTuning } from './server/stream.js';
import { Inbox, type InboxTuning } from './inbox/inbox.js';
import { DaemonMetrics } from './server/metrics.js';
import { mcpRouter } from './server/routes/mcp.js';
import { otlpRouter } from './server/routes/otlp.js';
import { ActivityApplier } from './engine/activity/applier.js';
import { HookPayloads } from './engine/activity/hookPayloads.js';
import { OtlpExports } from './integrations/otlp/otlpExports.js';
import { SessionDiscovery } from './integrations/sessions/sessionDiscovery.js';
import { RequestMatcher } from './integrations/usage/requestMatcher.js';
import { TranscriptReader } from './integrations/usage/transcriptReader.js';
import { loadPriceTable } from './integrations/usage/priceFile.js';
import { HOOK_ADAPTERS } from './integrations/hooks/index.js';
import { TrackerClient } from './client/index.js';
import { describeError, type Activity } from './protocol/index.js';
import { VERSION } from './common/version.js';

export interface RunningDaemon {
  url: string;
  port: number;
  token: string;
  paths: HomePaths;
  tracker: Tracker;
  /** What maps agents' hook payloads (its counters, and `idle()` for transcript reads in flight). */
  hooks: HookPayloads;
  webhooks: WebhookService;
  /** The web board's logins. */
  sessions: BoardSessions;
  server: Server;
  close(): Promise<void>;
}

export interface DaemonDeps {
  clock?: Clock;
  log: Logger;
  /** Shorter intervals and limits for tests; the defaults are the contract's. */
  tuning?: {
    stream?: Partial<StreamTuning>;
    inbox?: Partial<InboxTuning>;
    http?: Partial<HttpTimeouts>;
    retentionFirstRunMs?: number;
    webhooks?: Partial<WebhookTuning>;
  };
}

export async function startDaemon(settings: DaemonSettings, deps: DaemonDeps): Promise<RunningDaemon> {
  const { log } = deps;
  const clock = deps.clock ?? systemClock;
  checkExposure(settings);
  const tls = settings.tlsCert && settings.tlsKey ? readTls(settings.tlsCert, settings.tlsKey) : undefined;
  const paths = homePaths(settings.home);
  // An existing home is tightened too: it holds the token and lease tokens.
  ensurePrivateDir(paths.home, { linkAllowed: true });
  ensurePrivateDir(paths.inbox, { linkAllowed: false });
  ensurePrivateDir(paths.events, { linkAllowed: true });
  const lock = HomeLock.acquire(paths.lock, paths.home);
  const cleanups: (() => Promise<void> | void)[] = [() => lock.release()];
  try {
    const token = ensureToken(paths.token);
    const store = await openStore(settings, paths, clock, log, deps.clock === undefined);
    cleanups.unshift(() => store.close());
    // The store's clock: a shared database's time in team mode, so every daemon decides leases and stuck on one clock.
    const tracker = new Tracker(store, store.clock, settings);
    const requests = new RequestMatcher();
    const prices = loadPriceTable(settings.prices ?? paths.prices, settings.prices !== undefined);
    const transcripts = new TranscriptReader(prices, (message) => log.warn(`hooks: ${message}`));
    const activity = new ActivityApplier(tracker, requests, transcripts, log);
    const hooks = new HookPayloads(tracker, activity, HOOK_ADAPTERS, log, hostname());
    // Runs after the inbox and the server stopped feeding it, before the store closes.
    cleanups.unshift(() => {
      activity.flushEnds();
      return activity.idle();
    });
    const otlp = new OtlpExports();
    const sweeper = new Sweeper(tracker, log, new ProcessWatch(hostname(), systemProcessProbe));
    sweeper.start();
    cleanups.unshift(() => sweeper.stop());
    if (settings.claudeSessionsDir) {
      const target = {
        knows: (agentId: string) => tracker.state.agents.has(agentId),
        apply: (found: Activity[]) => void activity.apply(found, { at: Date.now() }).durable.catch((error: unknown) => log.warn(`a session without hooks not recorded: ${describeError(error)}`)),
      };
      const discovery = new SessionDiscovery(target, settings.claudeSessionsDir, hostname(), systemProcessProbe, log);
      discovery.start();
      cleanups.unshift(() => discovery.stop());
    }

    let port = settings.port;
    let url = '';
    const extraHost = LOOPBACK_HOSTS.includes(settings.host) ? undefined : settings.host;
    if (extraHost) log.warn(`listening on ${settings.host} with TLS: reachable from other machines (token or board login required)`);
    const sessions = new BoardSessions();
    const guardOptions = { token, port: () => port, extraHost, sessions, secure: Boolean(tls) };
    const webhooks = await WebhookService.open(tracker, paths.home, log, deps.tuning?.webhooks);
    cleanups.unshift(() => webhooks.close());
    const stream = new EventStreamServer(tracker, guardOptions, log, deps.tuning?.stream);
    const inbox = new Inbox(tracker, hooks, paths.inbox, log, deps.tuning?.inbox);
    const retention = new Retention(tracker, log);
    const hookCounters = { counters: () => ({ ...hooks.counters(), transcripts: transcripts.stats() }) };
    const metrics = new DaemonMetrics({ tracker, stream, inbox, hooks: hookCounters, otlp });
    // The MCP tools call this daemon's own HTTP API (see mcp/tools.ts); its address is known once it listens.
    let self: TrackerClient | undefined;
    const selfClient = async (): Promise<TrackerClient> => (self ??= new TrackerClient({ url, token }));
    cleanups.unshift(() => metrics.close(), () => retention.close(), () => inbox.close());
    const app = createApp({
      ...guardOptions,
      tracker,
      version: VERSION,
      log,
      hooks,
      extraStats: [() => ({ inbox: inbox.counters(), hooks: hookCounters.counters(), otlp: otlp.counters() })],
      retention,
      metrics,
      webhooks,
      url: () => url,
      routes: [
        { path: '/mcp', router: mcpRouter(selfClient) },
        { path: '/v1', router: otlpRouter(otlp, activity, store.clock) },
      ],
    });
    const server = createHttpServer(app, { ...DEFAULT_HTTP_TIMEOUTS, ...deps.tuning?.http }, tls);
    stream.attach(server);
    await listen(server, settings.port, settings.host);
    cleanups.unshift(() => closeServer(server));
    // Clients are closed before the server waits for its connections to end.
    cleanups.unshift(() => stream.close());
    port = (server.address() as AddressInfo).port;
    const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
    url = `${tls ? 'https' : 'http'}://${host}:${port}`;
    writeDaemonInfo(paths.daemonInfo, { pid: process.pid, port, url, version: VERSION, startedAt: store.now() } satisfies DaemonInfo);
    cleanups.unshift(() => removeDaemonInfo(paths.daemonInfo));
    await inbox.start();
    retention.schedule(settings.retentionDays, deps.tuning?.retentionFirstRunMs);
    log.info(`agent-tracker ${VERSION} listening on ${url} (home ${paths.home})`);

    let closing: Promise<void> | undefined;
    const close = () => (closing ??= runCleanups(cleanups));
    return { url, port, token, paths, tracker, hooks, webhooks, sessions, server, close };
  } catch (error) {
    await runCleanups(cleanups);
    throw error;
  }
}

function readTls(certFile: string, keyFile: string): { cert: Buffer; key: Buffer } {
  try {
    return { cert: readFileSync(certFile), key: readFileSync(keyFile) };
  } catch (error) {
    throw new SettingsError(`cannot read the TLS certificate or key: ${describeError(error)}`);
  }
}

/** The home's files, or the PostgreSQL database `--store` names (shared with other daemons). */
/** `systemTime`: the clock is the machine's, so a shared database's time replaces it (an injected clock is kept). */
async function openStore(settings: DaemonSettings, paths: HomePaths, clock: Clock, log: Logger, systemTime: boolean): Promise<Store> {
  if (settings.store) return PgStore.open({ url: settings.store, home: paths.home, clock, log, followDatabaseTime: systemTime });
  const started = performance.now();
  const store = await FileStore.open(paths, clock, log);
  const { recovery } = store;
  log.info(
    `recovered seq ${recovery.seq} (snapshot at ${recovery.snapshotSeq}, ${recovery.replayed} events replayed) in ${Math.round(performance.now() - started)} ms`,
  );
  return store;
}

async function runCleanups(cleanups: (() => Promise<void> | void)[]): Promise<void> {
  for (const cleanup of cleanups) await cleanup();
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Stops accepting, lets requests in progress finish (their writes complete), then drops idle keep-alive sockets. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2000).unref();
  });
}
