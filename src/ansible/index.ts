export { runAnsible, ansibleEnv, type AnsibleRunOptions, type AnsibleRunOutcome, type Steering } from './runner.js';
export { CallbackAdapter, NO_LOG_ITEM } from './adapter.js';
export { parseRecord, type CallbackRecord } from './records.js';
export { ansibleVersion, parseVersion, atLeast, MIN_ANSIBLE } from './version.js';
export { killJobsScript } from './cleanup.js';
