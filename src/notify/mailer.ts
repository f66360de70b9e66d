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
  /** The kept `.eml` file's name under the mail directory. */
  fileName: string | null;
}

export interface Mailer {
  send(message: MailMessage): Promise<SentMail>;
  /** The raw `.eml` of a message written by the file transport; null when there is none. */
  readFile(fileName: string): Promise<Buffer | null>;
}

const SAFE_FILE = /^[A-Za-z0-9._-]+\.eml$/;

/**
 * Each message is rendered by nodemailer and kept in `dir` as an `.eml` file named after its
 * Message-ID (a message sent twice overwrites itself), so the console can show what was sent.
 * With `smtpUrl` the same bytes go to the SMTP server; without it (development) the file is all.
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
      // Rendered once: the .eml kept is byte for byte what the SMTP server was given.
      const info = await render.sendMail(envelope(message));
      const raw = info.message as Buffer;
      const fileName = `${message.messageId.replace(/[<>]/g, '').replace(/[^A-Za-z0-9._-]/g, '_')}.eml`;
      if (smtp) await smtp.sendMail({ envelope: { from: options.from, to: message.to }, raw });
      await mkdir(options.dir, { recursive: true });
      // Written whole or not at all: a reader never sees half a message.
      const temp = join(options.dir, `.${fileName}.${process.pid}.tmp`);
      await writeFile(temp, raw);
      await rename(temp, join(options.dir, fileName));
      return { messageId: message.messageId, transport: smtp ? 'smtp' : 'file', fileName };
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
