/** Quotes one word for a POSIX shell (the agents run hook commands through `sh -c` / `bash -c`). */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
