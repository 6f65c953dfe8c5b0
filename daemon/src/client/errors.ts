/** Errors a client call can end with: the daemon refused (with a contract error code), or it could not be reached. */
import { ERROR_STATUS, type ErrorCode } from '../protocol/index.js';
import type { BatchResult } from './types.js';

/** A code outside the contract: a response that is not the documented error format (a proxy, a crash page). */
export type UnexpectedCode = 'unexpected_response';
export type ApiErrorCode = ErrorCode | UnexpectedCode;

/** The daemon answered with an error: `code` is the contract's code, `details` its details (e.g. allowed transitions). */
export class TrackerApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'TrackerApiError';
  }
}

/** How to start a daemon, shown whenever none can be reached. */
export const START_HINT = 'start it with `agent-tracker daemon` (or `npm start` in the agent-tracker checkout)';

/** No daemon answered: not started, its files are missing, or the network call failed after every retry. */
export class DaemonUnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`${message}; ${START_HINT}`, options);
    this.name = 'DaemonUnreachableError';
  }
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
}

/** Reads the contract's `{ error: { code, message, details? } }`; anything else becomes `unexpected_response`. */
export function apiErrorFromBody(status: number, body: unknown, fallbackText: string): TrackerApiError {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const error = body.error;
    if (typeof error === 'object' && error !== null) {
      const { code, message, details } = error as { code?: unknown; message?: unknown; details?: unknown };
      if (isErrorCode(code)) {
        return new TrackerApiError(status, code, typeof message === 'string' ? message : code, details);
      }
    }
  }
  const text = fallbackText.trim().slice(0, 200) || `HTTP ${status}`;
  return new TrackerApiError(status, 'unexpected_response', `unexpected response ${status}: ${text}`);
}

/** A batch result that reports a refusal, as the error the same refusal over HTTP would have been. */
export function refusal(result: BatchResult | undefined): TrackerApiError | undefined {
  if (!result) return new TrackerApiError(500, 'unexpected_response', 'the daemon returned no result for the command');
  if (!result.error && result.ok !== false) return undefined;
  const code = result.error?.code;
  const known = isErrorCode(code);
  const status = known ? ERROR_STATUS[code] : 400;
  const message = result.error?.message ?? 'the daemon refused the command';
  return new TrackerApiError(status, known ? code : 'unexpected_response', message, result.error?.details);
}
