/** The forwarder's own entry, bundled as `agent-tracker-hook.cjs`: `agent-tracker-hook <kind> [payload]`. */
import { forwardHook } from './forwarder.js';

const [kind = 'unknown', ...rest] = process.argv.slice(2);
void forwardHook(kind, rest).finally(() => {
  process.exitCode = 0;
});
