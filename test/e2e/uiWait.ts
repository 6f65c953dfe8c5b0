/** How the end-to-end suite polls a real workbench and its daemon: longer and less often than the daemon suites. */
export const UI_TIMEOUT_MS = 15_000;
/** Some probes act (a key press) as well as look; one every 200 ms lets the workbench catch up. */
export const UI_INTERVAL_MS = 200;
