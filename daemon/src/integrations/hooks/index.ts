/** Every agent adapter the daemon knows, by kind. */
import type { HookAdapter } from './adapter.js';

export const HOOK_ADAPTERS: readonly HookAdapter[] = [];
