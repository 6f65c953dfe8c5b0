/**
 * The user's price file (see prices.ts): `prices.json` in the home when it is there, or the file `--prices` /
 * `AGENT_TRACKER_PRICES` names (which must then exist). Read once at start; a file that is not a regular file, too
 * large, or not a valid price list stops the start with a message naming it, rather than cost usage wrongly.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { BUILT_IN_PRICES, priceTableFromFile, type PriceTable } from './prices.js';
import { describeError } from '../../protocol/index.js';

const MAX_PRICE_FILE_BYTES = 1024 * 1024;

export class PriceFileError extends Error {}

/** The price table for this daemon: `path`'s overrides on top of the built-in prices. */
export function loadPriceTable(path: string, required: boolean): PriceTable {
  let fd: number;
  try {
    // Non-blocking: a FIFO put where the file should be must not hang the start.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return BUILT_IN_PRICES;
    throw new PriceFileError(`price file ${path}: ${describeError(error)}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new PriceFileError(`price file ${path} is not a regular file`);
    if (stat.size > MAX_PRICE_FILE_BYTES) throw new PriceFileError(`price file ${path} is larger than ${MAX_PRICE_FILE_BYTES} bytes`);
    return priceTableFromFile(readFileSync(fd, 'utf8'));
  } catch (error) {
    if (error instanceof PriceFileError) throw error;
    throw new PriceFileError(`price file ${path} is not a valid price list: ${describeError(error)}`);
  } finally {
    closeSync(fd);
  }
}
