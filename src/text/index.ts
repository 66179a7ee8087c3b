/**
 * Text for terminals and logs, shared by the reporters and the TUI: the
 * line formats people know from ansible-playbook (banners, recap lines,
 * durations) and `inert`, which makes target output safe to show. Pure;
 * imports only model.
 */
export * from './format.js';
export * from './sanitize.js';
export * from './custom-stats.js';
