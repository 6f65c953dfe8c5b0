/**
 * Reading a hook payload from the agent: to its end, whatever its size and however slowly or late it comes, within a
 * deadline. A stream is read as it comes (never `readFileSync(0)`: once Node has looked at stdin, the pipe is
 * non-blocking and such a read gets EAGAIN: the payload was lost). Bytes past `maxBytes` are read and dropped, so an
 * agent writing more never blocks on a full pipe, and the payload is marked as cut.
 */
import type { Readable } from 'node:stream';

export interface PayloadInput {
  /** The bytes read, at most `maxBytes`. */
  bytes: Buffer;
  /** The agent finished writing: end of input, or a complete JSON object (nothing valid can follow it). */
  ended: boolean;
  /** More than `maxBytes` came: `bytes` is the start of the payload. */
  overflowed: boolean;
  /** The payload parsed, when a complete JSON value was recognised while reading. */
  parsed?: unknown;
}

const CLOSE_BRACE = 0x7d;

/** Reads `input` until its end, a complete JSON object, an error or `deadlineAt` (ms since the epoch). */
export function readPayload(input: Readable, maxBytes: number, deadlineAt: number): Promise<PayloadInput> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let overflowed = false;
    let settled = false;
    const finish = (ended: boolean, parsed?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      input.off('data', onData).off('end', onEnd).off('error', onError);
      input.pause();
      resolve({ bytes: Buffer.concat(chunks, size), ended, overflowed, ...(parsed === undefined ? {} : { parsed }) });
    };
    const onData = (chunk: Buffer | string): void => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const room = maxBytes - size;
      if (buffer.length > room) overflowed = true;
      const kept = buffer.length > room ? buffer.subarray(0, room) : buffer;
      if (kept.length > 0) {
        chunks.push(kept);
        size += kept.length;
      }
      // Agents that keep stdin open after the payload: a complete object is the whole payload.
      if (!overflowed && endsWithBrace(kept)) {
        const parsed = parseObject(Buffer.concat(chunks, size));
        if (parsed !== undefined) finish(true, parsed);
      }
    };
    const onEnd = (): void => finish(true);
    const onError = (): void => finish(false);
    const timer = setTimeout(() => finish(false), Math.max(0, deadlineAt - Date.now()));
    input.on('data', onData).once('end', onEnd).once('error', onError);
    input.resume();
  });
}

function endsWithBrace(buffer: Buffer): boolean {
  for (let i = buffer.length - 1; i >= 0; i--) {
    const byte = buffer[i] as number;
    if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) continue;
    return byte === CLOSE_BRACE;
  }
  return false;
}

function parseObject(bytes: Buffer): unknown {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
