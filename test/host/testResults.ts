// The results file the in-host test entry writes and the runners read: the only channel back from the extension
// host, because the workbench in the browser does not report the mocha outcome by itself.

/** Environment variable naming the results file; set on the VS Code server, it reaches the extension host. */
export const resultsFileEnv = 'AGENT_TRACKER_TEST_RESULTS';

export interface TestFailure {
  /** Full title: the suite titles and the test title. */
  title: string;
  /** The error message, then its stack. */
  error: string;
}

export interface TestResults {
  vscodeVersion: string;
  passed: number;
  failed: number;
  pending: number;
  failures: TestFailure[];
}

/** Narrows parsed JSON to TestResults; a half-written or foreign file is rejected, not trusted. */
export function isTestResults(value: unknown): value is TestResults {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['vscodeVersion'] === 'string' &&
    typeof v['passed'] === 'number' &&
    typeof v['failed'] === 'number' &&
    typeof v['pending'] === 'number' &&
    Array.isArray(v['failures'])
  );
}

/** The one summary line every runner prints. */
export function summaryLine(host: string, results: Pick<TestResults, 'vscodeVersion' | 'passed' | 'failed'>): string {
  return `VS Code ${results.vscodeVersion} ${host}: ${results.passed} passed, ${results.failed} failed`;
}

/** Prints each failure (numbered, its error indented) and then the summary line. */
export function printResults(host: string, results: TestResults): void {
  results.failures.forEach((failure, index) => {
    console.log(`\n${index + 1}) ${failure.title}\n${indent(failure.error)}`);
  });
  if (results.failures.length > 0) console.log('');
  console.log(summaryLine(host, results));
}

/** Indents every line by four spaces, under a numbered heading. */
export function indent(text: string): string {
  return text.replace(/^/gm, '    ');
}
