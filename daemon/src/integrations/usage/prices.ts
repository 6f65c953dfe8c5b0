/**
 * Model prices in US dollars per million tokens, for the cost of usage reported without one (transcripts). A model not
 * listed has no known price: its tokens are counted, its cost is not (the usage says how many requests that left
 * unpriced). Matched on the model id's start, most specific first, so dated and suffixed ids
 * (`claude-sonnet-4-5-20250929`) find their family.
 *
 * The table is the built-in list below, overridden and extended by the user's price file (`prices.json` in the home,
 * or `--prices FILE` / `AGENT_TRACKER_PRICES`): `{ "<model id prefix>": { "input", "output", "cacheRead"?,
 * "cacheWrite"? } }`, in dollars per million tokens; its entries are matched before the built-in ones.
 */
import { z } from 'zod';
import type { UsageDelta } from '../../protocol/index.js';

interface Price {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

const price = (input: number, output: number, cacheRead: number, cacheWrite = input): Price => ({ input, output, cacheRead, cacheWrite });

/** Public list prices (standard tier, prompts within the base context window). */
const PRICES: readonly [prefix: string, price: Price][] = [
  ['claude-opus-4-5', price(5, 25, 0.5, 6.25)],
  ['claude-opus-4-1', price(15, 75, 1.5, 18.75)],
  ['claude-opus-4-0', price(15, 75, 1.5, 18.75)],
  ['claude-opus-4-2', price(15, 75, 1.5, 18.75)],
  ['claude-sonnet-4', price(3, 15, 0.3, 3.75)],
  ['claude-3-7-sonnet', price(3, 15, 0.3, 3.75)],
  ['claude-haiku-4-5', price(1, 5, 0.1, 1.25)],
  ['claude-3-5-haiku', price(0.8, 4, 0.08, 1)],
  ['gpt-5-codex', price(1.25, 10, 0.125)],
  ['gpt-5-mini', price(0.25, 2, 0.025)],
  ['gpt-5-nano', price(0.05, 0.4, 0.005)],
  ['gpt-5', price(1.25, 10, 0.125)],
  ['gpt-4.1-mini', price(0.4, 1.6, 0.1)],
  ['gpt-4.1', price(2, 8, 0.5)],
  ['o4-mini', price(1.1, 4.4, 0.275)],
  ['gemini-2.5-pro', price(1.25, 10, 0.125)],
  ['gemini-2.5-flash-lite', price(0.1, 0.4, 0.01)],
  ['gemini-2.5-flash', price(0.3, 2.5, 0.03)],
  ['gemini-3-pro', price(2, 12, 0.2)],
];

type Tokens = Pick<UsageDelta, 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens'>;

export class PriceTable {
  private readonly entries: readonly [prefix: string, price: Price][];

  /** `overrides` come before the built-in prices, the longest prefix first. */
  constructor(overrides: readonly [prefix: string, price: Price][] = []) {
    const own = [...overrides].map(([prefix, p]) => [prefix.toLowerCase(), p] as [string, Price]).sort((a, b) => b[0].length - a[0].length);
    this.entries = [...own, ...PRICES];
  }

  /** The cost of these tokens on this model, to the micro-dollar; undefined when the model's price is not known. */
  costOf(model: string | undefined, tokens: Tokens): number | undefined {
    const p = model ? this.priceOf(model) : undefined;
    if (!p) return undefined;
    const dollars =
      (tokens.inputTokens * p.input + tokens.outputTokens * p.output + tokens.cacheReadTokens * p.cacheRead + tokens.cacheWriteTokens * p.cacheWrite) / 1e6;
    return Math.round(dollars * 1e6) / 1e6;
  }

  private priceOf(model: string): Price | undefined {
    const id = model.toLowerCase().replace(/^.*\//, '');
    return this.entries.find(([prefix]) => id.startsWith(prefix))?.[1];
  }
}

/** The built-in prices alone. */
export const BUILT_IN_PRICES = new PriceTable();

const PerMillion = z.number().min(0).max(1e6);
/** A price file: model id prefixes and their prices; cache reads and writes cost as input tokens where not given. */
export const PriceFileSchema = z.record(
  z.string().min(1).max(200).refine((prefix) => !prefix.includes('\u0000'), 'must not hold NUL'),
  z.strictObject({ input: PerMillion, output: PerMillion, cacheRead: PerMillion.optional(), cacheWrite: PerMillion.optional() }),
);

/** The table a price file's text gives; throws with the failing entries when it is not one. */
export function priceTableFromFile(text: string): PriceTable {
  const parsed = PriceFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'file'}: ${issue.message}`).join('; '));
  }
  return new PriceTable(Object.entries(parsed.data).map(([prefix, p]) => [prefix, price(p.input, p.output, p.cacheRead ?? p.input, p.cacheWrite)]));
}
