/** The package version, read once from package.json (or injected by the bundler for the shipped daemon). */
import { readFileSync } from 'node:fs';

declare const AGENT_TRACKER_VERSION: string | undefined;

function readVersion(): string {
  if (typeof AGENT_TRACKER_VERSION === 'string') return AGENT_TRACKER_VERSION;
  for (const candidate of ['../../package.json', '../../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'agent-tracker' && pkg.version) return pkg.version;
    } catch {
      // Try the next layout.
    }
  }
  return '0.0.0';
}

export const VERSION = readVersion();
