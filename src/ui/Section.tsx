import { memo } from 'react';
import { Box, Text } from 'ink';

/** Props of `Section`. */
export interface SectionProps {
  /** The section's name, e.g. `hosts`. */
  title: string;
  /** Extra words after the title (counts, filter). */
  note?: string;
  width: number;
}

/** A section rule: `─ hosts 9/20 ───────`. */
export const Section = memo(function Section({ title, note, width }: SectionProps) {
  const head = ` ─ ${title}${note ? ` ${note}` : ''} `;
  const fill = Math.max(0, width - 1 - [...head].length);
  // Title and rule are separate nodes: the rule is the only non-ASCII run.
  return (
    <Box height={1}>
      <Box flexShrink={0}>
        <Text dimColor>{head}</Text>
      </Box>
      <Text wrap="truncate" dimColor>
        {'─'.repeat(fill)}
      </Text>
    </Box>
  );
});
