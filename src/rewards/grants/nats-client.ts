import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * A minimal NATS client: just what a JetStream pull consumer needs (CONNECT, SUB, PUB, MSG and
 * HMSG, PING/PONG), over one TCP connection, no TLS or auth beyond the URL's user:password.
 * Kessai has no other use for NATS, so it takes no dependency for it.
 */
export interface NatsMessage {
  subject: string;
  replyTo: string | null;
  /** The status line's code for JetStream status messages (404 no messages, 408 timeout, …). */
  status: number | null;
  data: Buffer;
}

export class NatsConnection {
  private readonly socket: Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly subs = new Map<string, (m: NatsMessage) => void>();
  private nextSid = 1;
  private closedFlag = false;
  readonly inboxPrefix = `_INBOX.${randomBytes(8).toString('hex')}`;
  private requestSeq = 0;
  private readonly pending = new Map<string, (m: NatsMessage) => void>();
  onClose: (err?: Error) => void = () => {};

  private constructor(socket: Socket) {
    this.socket = socket;
  }

  static async open(url: string, timeoutMs = 5000): Promise<NatsConnection> {
    const u = new URL(url);
    const socket = connect({ host: u.hostname, port: Number(u.port || 4222) });
    const c = new NatsConnection(socket);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`NATS: no answer from ${u.host} within ${timeoutMs} ms`)), timeoutMs);
      let greeted = false;
      socket.on('error', (err) => (greeted ? c.close(err) : reject(err)));
      socket.on('close', () => c.close());
      socket.on('data', (chunk: Buffer) => {
        if (!greeted) {
          // INFO first; then CONNECT and a PING whose PONG says we are in.
          greeted = true;
          const auth = u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : {};
          socket.write(`CONNECT ${JSON.stringify({ verbose: false, pedantic: false, headers: true, no_responders: true, lang: 'kessai', version: '1', protocol: 1, ...auth })}\r\nPING\r\n`);
          c.subs.set('__pong', () => {
            clearTimeout(timer);
            c.subs.delete('__pong');
            resolve();
          });
          const nl = chunk.indexOf('\r\n');
          chunk = chunk.subarray(nl + 2);
        }
        c.receive(chunk);
      });
    });
    c.subscribe(`${c.inboxPrefix}.*`, (m) => {
      const resolve = c.pending.get(m.subject);
      if (resolve) {
        c.pending.delete(m.subject);
        resolve(m);
      }
    });
    return c;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  subscribe(subject: string, handler: (m: NatsMessage) => void): string {
    const sid = String(this.nextSid++);
    this.subs.set(sid, handler);
    this.socket.write(`SUB ${subject} ${sid}\r\n`);
    return sid;
  }

  publish(subject: string, data: string | Buffer = '', replyTo?: string): void {
    const body = typeof data === 'string' ? Buffer.from(data) : data;
    this.socket.write(Buffer.concat([Buffer.from(`PUB ${subject}${replyTo ? ` ${replyTo}` : ''} ${body.length}\r\n`), body, Buffer.from('\r\n')]));
  }

  /** Publishes with a fresh reply subject and resolves with the first answer. */
  request(subject: string, data: string | Buffer, timeoutMs = 5000): Promise<NatsMessage> {
    const reply = `${this.inboxPrefix}.r${++this.requestSeq}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(reply);
        reject(new Error(`NATS: no answer to ${subject} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(reply, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      this.publish(subject, data, reply);
    });
  }

  /**
   * A reply subject with its own subscription, whose messages go to `handler` until `release`
   * (JetStream delivers pulled messages to it under their stream subject, so only the
   * subscription tells them apart).
   */
  inbox(handler: (m: NatsMessage) => void): { subject: string; release(): void } {
    const subject = `${this.inboxPrefix}-p.${++this.requestSeq}`;
    const sid = this.subscribe(subject, handler);
    return {
      subject,
      release: () => {
        this.subs.delete(sid);
        if (!this.closedFlag) this.socket.write(`UNSUB ${sid}\r\n`);
      },
    };
  }

  close(err?: Error): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.socket.destroy();
    this.onClose(err);
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const nl = this.buffer.indexOf('\r\n');
      if (nl < 0) return;
      const line = this.buffer.subarray(0, nl).toString('utf8');
      const [op, ...args] = line.split(' ');
      if (op === 'MSG' || op === 'HMSG') {
        const total = Number(args[args.length - 1]);
        const headerBytes = op === 'HMSG' ? Number(args[args.length - 2]) : 0;
        const end = nl + 2 + total + 2;
        if (this.buffer.length < end) return;
        const payload = this.buffer.subarray(nl + 2, nl + 2 + total);
        const replyTo = args.length === (op === 'HMSG' ? 5 : 4) ? args[2]! : null;
        let status: number | null = null;
        if (headerBytes > 0) {
          const m = /^NATS\/1\.0 (\d{3})/.exec(payload.subarray(0, headerBytes).toString('utf8'));
          status = m ? Number(m[1]) : null;
        }
        this.buffer = this.buffer.subarray(end);
        this.subs.get(args[1]!)?.({ subject: args[0]!, replyTo, status, data: Buffer.from(payload.subarray(headerBytes)) });
        continue;
      }
      this.buffer = this.buffer.subarray(nl + 2);
      if (op === 'PING') this.socket.write('PONG\r\n');
      else if (op === 'PONG') this.subs.get('__pong')?.({ subject: '', replyTo: null, status: null, data: Buffer.alloc(0) });
      else if (op === '-ERR') this.close(new Error(`NATS: ${line}`));
    }
  }
}
