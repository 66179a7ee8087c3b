import { memo } from 'react';
import { Text } from 'ink';
import type { Mode } from './keys.js';
import { cut } from './text.js';

/** Props of `KeyBar`. */
export interface KeyBarProps {
  mode: Mode;
  /** The run has ended. */
  ended: boolean;
  paused: boolean;
  /** The filter being typed. */
  filter: string;
  failedOnly: boolean;
  width: number;
  /** An attached view: `q` detaches. */
  watching?: boolean;
  /** A view of a record: no `a` or `p`. */
  readOnly?: boolean;
}

/** The bottom line: the keys that work now. */
export const KeyBar = memo(function KeyBar({ mode, ended, paused, filter, failedOnly, width, watching, readOnly }: KeyBarProps) {
  let text: string;
  const steer = readOnly ? '' : '  a abort  p pause';
  const steerMain = readOnly ? '' : ` a abort  p ${paused ? 'resume' : 'pause'}`;
  if (mode === 'filter') text = ` filter: ${filter}▏  enter keep · esc clear`;
  else if (mode === 'drill') text = ` esc back  ↑↓ task  PgUp/PgDn output${ended ? '  q quit' : `${steer}${watching ? '  q detach' : ''}`}  ? help`;
  else if (mode === 'confirm') text = ' y confirm  n cancel';
  else if (mode === 'help') text = ' any key: back';
  else if (ended) text = ` q quit  ↑↓ select  ⏎ output  / filter  f ${failedOnly ? 'all hosts' : 'failed only'}  s sort  ? help`;
  else
    text =
      `${watching ? ' q detach ' : ''}${steerMain}  ↑↓ select  ⏎ output  / filter  f ${failedOnly ? 'all hosts' : 'failed only'}  s sort  ? help`;
  return (
    <Text wrap="truncate" dimColor={mode !== 'filter'}>
      {cut(text, width - 1)}
    </Text>
  );
});
