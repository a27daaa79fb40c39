/**
 * Commander's usage errors in az's words: `ERROR:` instead of `error:`, an unknown command as az's "is misspelled
 * or not recognized by the system" with its "Did you mean" line, an unknown option as "unrecognized arguments".
 * Other messages keep commander's text (tests and scripts may match it) behind the `ERROR:` prefix.
 */
export function azStyleUsageError(text: string): string {
  const command = /^error: unknown command '([^']*)'\n?(?:\(Did you mean ([^?]+)\?\))?/.exec(text);
  if (command) return `ERROR: '${command[1]}' is misspelled or not recognized by the system.\n${command[2] ? `Did you mean '${command[2]}' ?\n` : ''}`;
  const option = /^error: unknown option '([^']*)'\n?(?:\(Did you mean ([^?]+)\?\))?/.exec(text);
  if (option) return `ERROR: unrecognized arguments: ${option[1]}\n${option[2] ? `Did you mean '${option[2]}' ?\n` : ''}`;
  const extra = /^error: too many arguments(?: for '[^']*')?\. Expected \d+ arguments? but got \d+\./.exec(text);
  if (extra) return `ERROR: unrecognized arguments\n`;
  return text.replace(/^error: /, 'ERROR: ');
}
