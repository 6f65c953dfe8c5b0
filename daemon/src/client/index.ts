/** The Node client of the Agent Tracker daemon (`agent-tracker/client`). */
export { TrackerClient, type ClientOptions, type ConnectOptions, type StartTaskInput } from './trackerClient.js';
export { TaskHandle, type TaskHandleOptions, type LogLevel, type ProgressCounts } from './taskHandle.js';
export { EventStream, type EventStreamOptions } from './eventStream.js';
export { discoverDaemon, readDaemonInfo, type DaemonEndpoint, type DiscoverOptions } from './discovery.js';
export { HttpTransport, type CallOptions, type TransportOptions } from './transport.js';
export { TrackerApiError, DaemonUnreachableError, START_HINT, type ApiErrorCode } from './errors.js';
export type * from './types.js';
