/** Milliseconds as seconds with one decimal, in integer maths. */
function seconds(ms: number): string {
  const tenths = Math.round(ms / 100);
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

/** A one-line progress report for long work: redrawn on a terminal, one line per step otherwise. */
export function progress(label: string, total?: number) {
  const tty = process.stderr.isTTY;
  const started = Date.now();
  let last = 0;
  return {
    update(done: number, extra = '') {
      const now = Date.now();
      if (tty && now - last < 100 && done !== total) return;
      if (!tty && now - last < 2000 && done !== total) return;
      last = now;
      const pct = total ? ` ${Math.floor((done / Math.max(total, 1)) * 100)}%` : '';
      const line = `${label}: ${done}${total !== undefined ? `/${total}` : ''}${pct} ${extra}`.trimEnd();
      if (tty) process.stderr.write(`\r\x1b[2K${line}`);
      else process.stderr.write(`${line}\n`);
    },
    done(summary: string) {
      if (tty) process.stderr.write('\r\x1b[2K');
      process.stderr.write(`${label}: ${summary} in ${seconds(Date.now() - started)}s\n`);
    },
  };
}
