export { createMailer, type Mailer, type MailMessage, type SentMail } from './mailer.ts';
export { createOpsChannel, type OpsChannel, type OpsNotice } from './ops-channel.ts';
