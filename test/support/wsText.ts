/** A WebSocket message as text, whatever shape `ws` hands it over in (a Buffer by default; an ArrayBuffer or fragments when asked). */
import type { RawData } from 'ws';

export function wsText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}
