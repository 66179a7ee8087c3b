export { runPlaybook, exitCodeOf, EXIT, type RunOutcome } from './run.js';
export { RunControl } from './control.js';
export type { RunOptions, StepGate } from './state.js';
export { shouldRun, splitTags, type TagFilter } from './tags.js';
export { allTasks } from './play.js';
export { MASK } from './secrets.js';
