import { compareDecimal, parseDecimal } from '../../money/index.ts';
import { ByteTally, readableBytes, tallied } from './byte-source.ts';
import { TextDecoding, type DecodeOptions } from './decode.ts';
import { splitLines, type PhysicalLine } from './line-splitter.ts';
import type {
  ByteSource,
  FooterCheck,
  FooterCheckItem,
  SettlementChannel,
  SettlementFileParse,
  SettlementFileProblem,
  SettlementFileResult,
  SettlementLine,
} from './settlement-line.ts';

/** What a parser learns about a file while reading it; becomes the file's result at the end. */
export class ParseSession {
  readonly channel: SettlementChannel;
  format = '';
  formatVersion = '';
  encoding = '';
  /** Whether the format carries totals to check (WeChat, Alipay, PayPal) or not (Stripe, Adyen). */
  footerExpected = false;
  lineCount = 0;
  readonly tally = new ByteTally();
  readonly headers: SettlementFileResult['headers'] = [];
  readonly metadata: Record<string, string> = {};
  readonly footerItems: FooterCheckItem[] = [];
  readonly problems: SettlementFileProblem[] = [];
  /** Totals the format always prints that this file lacks (it was cut after some of them). */
  readonly #missingFooters: string[] = [];

  constructor(channel: SettlementChannel) {
    this.channel = channel;
  }

  /** The file's bytes, hashed as they pass and gunzipped when gzip. */
  bytes(source: ByteSource): Promise<AsyncGenerator<Uint8Array>> {
    return readableBytes(tallied(source, this.tally));
  }

  /** Physical lines of text bytes, in batches; the detected encoding is recorded once known. */
  async *lines(bytes: AsyncIterable<Uint8Array>, options: DecodeOptions, entry: string | null = null): AsyncGenerator<PhysicalLine[]> {
    const decoding = new TextDecoding(options);
    for await (const batch of splitLines(decoding.decode(bytes), entry)) {
      if (!this.encoding && decoding.encoding) this.encoding = decoding.encoding;
      yield batch;
    }
    if (!this.encoding) this.encoding = decoding.encoding ?? options.asciiFallback;
  }

  /** Compares a stated total with the computed one (exact decimals); a difference is a problem. */
  checkTotal(label: string, at: { line: number; entry?: string | null }, currency: string | null, stated: string, computed: string): void {
    const matches = compareDecimal(parseDecimal(stated), parseDecimal(computed)) === 0;
    const entry = at.entry ?? null;
    this.footerItems.push({ label, line: at.line, entry, currency, stated, computed, matches });
    if (!matches) {
      this.problems.push({
        code: 'footer_mismatch',
        message: `${label}${currency ? ` (${currency})` : ''}: the file states ${stated}, its lines add up to ${computed}`,
        line: at.line,
        entry,
        column: label,
        expected: stated,
        actual: computed,
      });
    }
  }

  /** A footer the format always has is absent: the check cannot pass, whatever else matched. */
  missingFooter(what: string): void {
    this.#missingFooters.push(what);
  }

  lineProblem(line: SettlementLine, column: string, message: string, expected: string, actual: string): void {
    this.problems.push({ code: 'line_arithmetic', message, line: line.source.line, entry: line.source.entry, column, expected, actual });
  }

  #footer(): FooterCheck {
    if (!this.footerExpected) return { status: 'not_applicable', items: this.footerItems };
    const missing = this.footerItems.length === 0 ? ['a totals footer'] : this.#missingFooters;
    for (const what of missing) {
      this.problems.push({
        code: 'footer_missing',
        message: `the file has no ${what}: it may have been cut short`,
        line: null,
        entry: null,
        column: null,
        expected: what,
        actual: null,
      });
    }
    if (!this.footerItems.every((i) => i.matches)) return { status: 'failed', items: this.footerItems };
    return { status: missing.length > 0 ? 'missing' : 'passed', items: this.footerItems };
  }

  result(): SettlementFileResult {
    const footer = this.#footer();
    return {
      channel: this.channel,
      format: this.format,
      formatVersion: this.formatVersion,
      encoding: this.encoding || 'binary',
      sha256: this.tally.sha256(),
      byteLength: this.tally.byteLength,
      lineCount: this.lineCount,
      headers: this.headers,
      metadata: this.metadata,
      footer,
      problems: this.problems,
    };
  }
}

/**
 * Runs a parser body as a `SettlementFileParse`: lines while iterating, the result at the end. A
 * body may yield the lines of one chunk of the file together (fewer promises on the hot path).
 */
export function startParse(channel: SettlementChannel, body: (session: ParseSession) => AsyncGenerator<SettlementLine | SettlementLine[]>): SettlementFileParse {
  const session = new ParseSession(channel);
  let resolve!: (r: SettlementFileResult) => void;
  let reject!: (e: unknown) => void;
  const result = new Promise<SettlementFileResult>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // The caller may never look at `result` after a failed iteration: that is not an unhandled rejection.
  result.catch(() => {});
  let started = false;
  return {
    result,
    async *[Symbol.asyncIterator]() {
      if (started) throw new Error('a settlement file parse can be iterated once');
      started = true;
      let settled = false;
      try {
        for await (const item of body(session)) {
          if (!Array.isArray(item)) {
            session.lineCount += 1;
            yield item;
            continue;
          }
          for (const line of item) {
            session.lineCount += 1;
            yield line;
          }
        }
        settled = true;
        resolve(session.result());
      } catch (err) {
        settled = true;
        reject(err);
        throw err;
      } finally {
        if (!settled) reject(new Error('the settlement file was not read to the end'));
      }
    },
  };
}
