import { Box, Text } from 'ink';
import { stepPrompt } from '../text/index.js';
import { cut } from './text.js';

/** Props of `StepPrompt`. */
export interface StepPromptProps {
  /** The task as `step.ask` names it (`TASK: name`). */
  label: string;
  /** This view can answer (the run's own TUI; an attached view only shows the question). */
  canAnswer: boolean;
  width: number;
}

/** `--step`'s question, ansible-core's words, and the keys that answer it (two rows, as the abort question). */
export function StepPrompt({ label, canAnswer, width }: StepPromptProps) {
  return (
    <Box flexDirection="column">
      <Text wrap="truncate" bold color="cyan">
        {cut(` ${stepPrompt(label).trimEnd()}`, width - 1)}
      </Text>
      <Text wrap="truncate">{cut(canAnswer ? '   y run it  n skip it  c run it and the rest without asking' : '   waiting for the operator of the run to answer', width - 1)}</Text>
    </Box>
  );
}
