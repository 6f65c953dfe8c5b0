/** Fresh daemon homes in the system's temp folder, removed by the test that made them. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function makeTempHome(label = 'home'): string {
  return mkdtempSync(join(tmpdir(), `agent-tracker-${label}-`));
}

export function removeTempHome(home: string): void {
  rmSync(home, { recursive: true, force: true, maxRetries: 3 });
}
