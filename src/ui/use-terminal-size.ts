import { useEffect, useState } from 'react';
import { useStdout } from 'ink';

/** The terminal's size */
export interface TerminalSize {
  columns: number;
  rows: number;
}

/**
 * The terminal's columns and rows, updated on resize. `fixed` values win
 * (tests, and streams that are not terminals); otherwise 80×24.
 */
export function useTerminalSize(fixed: Partial<TerminalSize> = {}): TerminalSize {
  const { stdout } = useStdout();
  const read = (): TerminalSize => ({
    columns: fixed.columns ?? (stdout.columns || 80),
    rows: fixed.rows ?? (stdout.rows || 24),
  });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
    // read() depends only on these
  }, [stdout, fixed.columns, fixed.rows]);
  return fixed.columns !== undefined || fixed.rows !== undefined ? read() : size;
}
