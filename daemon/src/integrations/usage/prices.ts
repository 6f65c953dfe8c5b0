/**
 * Model prices in US dollars per million tokens, for the cost of usage reported without one (transcripts). A model not
 * listed has no known price: its tokens are counted and its cost stays 0. Matched on the model id's start, most
 * specific first, so dated and suffixed ids (`claude-sonnet-4-5-20250929`) find their family.
 */
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

function priceOf(model: string): Price | undefined {
  const id = model.toLowerCase().replace(/^.*\//, '');
  return PRICES.find(([prefix]) => id.startsWith(prefix))?.[1];
}

/** The cost of these tokens on this model, to the micro-dollar; undefined when the model's price is not known. */
export function costOf(model: string | undefined, tokens: Pick<UsageDelta, 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens'>): number | undefined {
  const p = model ? priceOf(model) : undefined;
  if (!p) return undefined;
  const dollars =
    (tokens.inputTokens * p.input + tokens.outputTokens * p.output + tokens.cacheReadTokens * p.cacheRead + tokens.cacheWriteTokens * p.cacheWrite) / 1e6;
  return Math.round(dollars * 1e6) / 1e6;
}
