export { createPlainPresenter, taskTitle, type PlainOptions } from './plain.js';
export { createJsonPresenter, eventLine } from './json.js';
export { createRecorder, EVENTS_FILE } from './recorder.js';
export { createRunLog, RUN_LOG_FILE, RUN_LOG_PROFILE_LIMIT, type RunLogOptions } from './run-log.js';
export { createHostLogs, hostFileName, HOSTS_DIR } from './host-logs.js';
export { SummaryCollector, SUMMARY_FILE, errorLine, type RunSummary, type HostFailure, type RunOutcome } from './run-summary.js';
export { archiveRun, pruneRuns, archiveName, type PruneOptions } from './archive.js';
export { createRunRecord, mailConfig, type RunRecord, type RunRecordOptions, type RunRecordResult, type RunRecordSettings } from './run-record.js';
export { sendRunMail, type MailConfig, type MailOutcome, type MailTimeouts, type MailTrigger } from './mail/index.js';
