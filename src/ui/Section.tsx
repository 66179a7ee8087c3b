import { Text } from 'ink';

/** Props of `Section`. */
export interface SectionProps {
  /** The section's name, e.g. `hosts`. */
  title: string;
  /** Extra words after the title (counts, filter). */
  note?: string;
  width: number;
}

/** A section rule: `─ hosts 9/20 ───────`. */
export function Section({ title, note, width }: SectionProps) {
  const head = ` ─ ${title}${note ? ` ${note}` : ''} `;
  const fill = Math.max(0, width - 1 - [...head].length);
  return (
    <Text wrap="truncate" dimColor>
      {head}
      {'─'.repeat(fill)}
    </Text>
  );
}
