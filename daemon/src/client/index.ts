/** The Node client of the Agent Tracker daemon (`agent-tracker/client`): the CLI, the extension, tests and bench use it. */
export { TrackerClient, discoverDaemon, type ClientOptions, type ConnectOptions, type StartTaskInput } from './trackerClient.js';
export { TaskHandle, type TaskHandleOptions, type LogLevel, type ProgressCounts } from './taskHandle.js';
export { EventStream, type EventStreamOptions } from './eventStream.js';
export { StreamConnection, type StreamConnectionOptions, type StreamHandlers } from './streamConnection.js';
export {
  locateDaemon,
  readDaemonInfo,
  type DaemonEndpoint,
  type DiscoverOptions,
  type EndpointSource,
  type Location,
} from '../home/discovery.js';
export {
  DAEMON_NODE_ARGS,
  isAlive,
  runningDaemonPid,
  spawnDaemon,
  stopDaemon,
  waitForDaemon,
  type SpawnDaemonOptions,
  type SpawnedDaemon,
} from './daemonProcess.js';
export { HttpTransport, type CallOptions, type TransportOptions } from './transport.js';
export { TrackerApiError, DaemonUnreachableError, START_HINT, type ApiErrorCode } from './errors.js';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
export type * from './types.js';
export { DEFAULT_PORT, homePaths, resolveHome, type DaemonInfo, type HomePaths } from '../home/home.js';
