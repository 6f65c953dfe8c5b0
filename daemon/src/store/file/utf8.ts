/** Text as the bytes the log and the snapshot write. */

/**
 * Strings encoded as UTF-8 into one buffer, each straight into its place and followed by `separator` if one is given;
 * `ends[i]` is where the bytes of `parts[i]` end. Joining the strings first and encoding the result took ten times as
 * long for a thousand event lines: V8 builds the joined string, then flattens and encodes it.
 */
export function encodeStrings(parts: readonly string[], separator?: number): { data: Buffer; ends: Uint32Array } {
  const extra = separator === undefined ? 0 : 1;
  let total = 0;
  for (const part of parts) total += Buffer.byteLength(part) + extra;
  const data = Buffer.allocUnsafe(total);
  const ends = new Uint32Array(parts.length);
  let at = 0;
  for (let i = 0; i < parts.length; i++) {
    at += data.write(parts[i] as string, at);
    ends[i] = at;
    if (separator !== undefined) data[at++] = separator;
  }
  return { data, ends };
}
