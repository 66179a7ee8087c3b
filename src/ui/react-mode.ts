/**
 * Selects React's production build unless told otherwise. React decides when
 * it is first loaded, so this module must be imported before `react` or
 * `ink` (the TUI presenter imports it first). The development build records
 * a performance track with a diff of every prop on every commit: several
 * times slower per frame.
 */
process.env.NODE_ENV ??= 'production';
export {};
