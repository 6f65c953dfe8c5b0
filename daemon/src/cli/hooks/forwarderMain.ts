/** The forwarder's own entry, bundled as `agent-tracker-hook.cjs`: `agent-tracker-hook <kind> [--approval-wait N] [payload]`. */
import { runHook } from './forwarder.js';

const [kind = 'unknown', ...rest] = process.argv.slice(2);
runHook(kind, rest);
