/** The CLI's exit codes, part of its contract: scripts branch on these. */
export const EXIT_OK = 0;
/** The daemon refused the request; its error code and message are shown. */
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;
/** No daemon answered; the message says how to start one. */
export const EXIT_UNREACHABLE = 3;

/** Wrong input the user can fix, found after commander parsed the line (e.g. a flag combination). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
