import { Box, Text } from 'ink';
import { Section } from './Section.js';

/** Props of `Help`. */
export interface HelpProps {
  width: number;
  /** Rows that fit. */
  rows: number;
  /** An attached view: Ctrl-C and `q` detach. */
  watching?: boolean;
}

const KEYS: Array<[string, string]> = [
  ['a, Ctrl-C', 'abort: asks first; drain lets running tasks finish and starts nothing new'],
  ['a again, K', 'kill: stops running commands and async jobs now (asks first)'],
  ['y / n', 'answer the abort question'],
  ['p', 'pause or resume between tasks'],
  ['↑ ↓ PgUp PgDn', 'move through the hosts'],
  ['enter', "open the selected host's tasks and output (esc goes back)"],
  ['/', 'filter hosts by name or group (esc clears)'],
  ['f', 'failed hosts only'],
  ['s', 'sort: failed and running first, or inventory order'],
  ['q', 'quit once the run has ended (asks to abort while it runs)'],
];

/** In an attached view Ctrl-C and q leave the run going. */
const WATCHING_KEYS: Array<[string, string]> = [
  ['q, Ctrl-C', 'detach: the run goes on (playwatch attach brings the view back)'],
  ['a', 'abort the run: asks first; drain lets running tasks finish and starts nothing new'],
  ...KEYS.slice(1, -1),
];

/** The key list. */
export function Help({ width, rows, watching }: HelpProps) {
  return (
    <Box flexDirection="column">
      <Section title="keys" width={width} />
      {(watching ? WATCHING_KEYS : KEYS).slice(0, Math.max(0, rows - 1)).map(([k, what]) => (
        <Text key={k} wrap="truncate">
          {'  '}
          <Text bold>{k.padEnd(15)}</Text>
          {what}
        </Text>
      ))}
    </Box>
  );
}
