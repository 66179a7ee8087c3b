/**
 * Selects React's production build unless told otherwise, for a program that
 * only draws (the benchmark's TUI child): import it before `react` or `ink`.
 * It leaves `NODE_ENV` set for good; the CLI loads the TUI with
 * `cli/load-tui.ts` instead, which gives the environment back.
 */
process.env.NODE_ENV ??= 'production';
export {};
