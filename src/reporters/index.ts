export { createPlainPresenter, taskTitle, type PlainOptions } from './plain.js';
export { createJsonPresenter, eventLine } from './json.js';
export { createRecorder, EVENTS_FILE } from './recorder.js';
export {
  ProfileCollector,
  profileTasks,
  profileRoles,
  timeline,
  formatOffset,
  type TaskProfile,
  type RoleProfile,
  type TimelineEntry,
  type SortOrder,
} from './profile.js';
export { inert } from './sanitize.js';
export { taskLabel } from './summary.js';
export { banner, filled, profileRow, recapLine, wallClock, durationClock } from './format.js';
