/**
 * Rewrites a shipped config for a test by exact text replacements (addresses and paths), and
 * fails when a replaced text is not in the file: a config that changed upstream of the test must
 * not be run half-rewritten.
 */
export function replaceExactly(text: string, what: string, replacements: readonly (readonly [from: string, to: string])[]): string {
  let result = text;
  for (const [from, to] of replacements) {
    if (!result.includes(from)) throw new Error(`${what}: expected to find ${JSON.stringify(from)} to rewrite`);
    result = result.replaceAll(from, to);
  }
  return result;
}
