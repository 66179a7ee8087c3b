import { Box, Text } from 'ink';
import type { AbortPlan } from './abort-plan.js';
import { cut } from './text.js';

/** Props of `Confirm`. */
export interface ConfirmProps {
  /** What the abort would do, and the keys that answer. */
  plan: AbortPlan;
  width: number;
}

/** The abort question: what will happen, then `y` / `n`. */
export function Confirm({ plan, width }: ConfirmProps) {
  return (
    <Box flexDirection="column">
      <Text wrap="truncate" bold color={plan.mode === 'kill' ? 'red' : 'yellow'}>
        {cut(` ${plan.summary}`, width - 1)}
      </Text>
      <Text wrap="truncate">{cut(`   ${plan.mode === 'kill' ? 'Kill now?' : 'Drain now?'}  ${plan.keys}`, width - 1)}</Text>
    </Box>
  );
}
