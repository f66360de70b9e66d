import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** A stable Message-ID: a message sent twice (a retried step) is recognisably the same one. */
  messageId: string;
}

export interface SentMail {
  messageId: string;
  transport: 'smtp' | 'file';
  /** For the file transport: the `.eml` file's name under the mail directory. */
  fileName: string | null;
}

export interface Mailer {
  send(message: MailMessage): Promise<SentMail>;
  /** The raw `.eml` of a message written by the file transport; null when there is none. */
  readFile(fileName: string): Promise<Buffer | null>;
}

const SAFE_FILE = /^[A-Za-z0-9._-]+\.eml$/;

/**
 * SMTP through nodemailer when `smtpUrl` is set. Otherwise (development) each message is
 * rendered by nodemailer exactly as it would be sent and written to `dir` as an `.eml` file,
 * named after its Message-ID, so a message sent twice overwrites itself.
 */
export function createMailer(options: { smtpUrl: string | undefined; from: string; dir: string; timeoutMs?: number }): Mailer {
  const timeout = options.timeoutMs ?? 10_000;
  const smtp = options.smtpUrl
    ? nodemailer.createTransport({ url: options.smtpUrl, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout } as SMTPTransport.Options)
    : null;
  const render = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'crlf' });
  const envelope = (m: MailMessage) => ({ from: options.from, to: m.to, subject: m.subject, text: m.text, ...(m.html ? { html: m.html } : {}), messageId: m.messageId });

  return {
    async send(message) {
      if (smtp) {
        await smtp.sendMail(envelope(message));
        return { messageId: message.messageId, transport: 'smtp', fileName: null };
      }
      const info = await render.sendMail(envelope(message));
      const fileName = `${message.messageId.replace(/[<>]/g, '').replace(/[^A-Za-z0-9._-]/g, '_')}.eml`;
      await mkdir(options.dir, { recursive: true });
      // Written whole or not at all: a reader never sees half a message.
      const temp = join(options.dir, `.${fileName}.${process.pid}.tmp`);
      await writeFile(temp, info.message as Buffer);
      await rename(temp, join(options.dir, fileName));
      return { messageId: message.messageId, transport: 'file', fileName };
    },
    async readFile(fileName) {
      if (!SAFE_FILE.test(fileName)) return null;
      try {
        return await readFile(join(options.dir, fileName));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
  };
}
