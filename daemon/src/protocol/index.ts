/** The wire contract shared by the daemon, its clients and the extension. Imports neither express nor vscode. */
export * from './derive.js';
export * from './errors.js';
export * from './eventData.js';
export * from './limits.js';
export * from './nesting.js';
export * from './newTask.js';
export * from './reducer.js';
export * from './replay.js';
export * from './schemas.js';
export * from './states.js';
export * from './api.js';
export * from './approvals.js';
export * from './queries.js';
export * from './responses.js';
export * from './usage.js';
export * from './parse.js';
export * from './strings.js';
