/**
 * Entry of a baseline server child process: `node serverMain.js noop|naive <file> <preload>`. It listens on a free
 * loopback port and prints `{"port": N}` on its first stdout line. Runs in its own process so that the load
 * generator and the server each have a core.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNaiveApp } from '../naive.js';
import { createNoopApp } from './noop.js';

const [mode, file = '', preload = '0'] = process.argv.slice(2);
const app = mode === 'naive' ? await createNaiveApp(file, Number(preload)) : createNoopApp();
const server = createServer(app);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
