import { Box, Text } from 'ink';
import type { RunState } from '../events/index.js';
import { finalLines, type FinalOptions } from './final.js';

/** Props of `FinalView`. */
export interface FinalViewProps extends FinalOptions {
  state: RunState;
}

/** The final view as a component (replay shows it too); the presenter prints the same lines as text. */
export function FinalView({ state, ...opts }: FinalViewProps) {
  return (
    <Box flexDirection="column">
      {finalLines(state, opts).map((line, i) => (
        <Text key={i}>{line || ' '}</Text>
      ))}
    </Box>
  );
}
