export { sendRunMail, ATTACH_LIMIT_BYTES, type SendRunMailOptions, type MailOutcome } from './send.js';
export { mailReasons, mailSubject, mailBody, type ArchiveNote } from './message.js';
export type { MailConfig, MailTimeouts, MailTrigger } from './types.js';
