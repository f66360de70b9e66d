import { KessaiError } from '../errors/index.ts';
import {
  detectSettlementFormat,
  parseAdyenSettlementDetails,
  parseAlipayBill,
  parseGenericSettlement,
  parsePaypalStl,
  parseStripePayoutReport,
  parseWechatTradeBill,
  type ByteSource,
  type GenericColumnMapping,
  type SettlementChannel,
  type SettlementFileParse,
} from './parsers/index.ts';

export const NAMED_CHANNELS = ['wechat', 'alipay', 'stripe', 'adyen', 'paypal'] as const;
export const CHANNEL_PATTERN = '^(wechat|alipay|stripe|adyen|paypal|generic:[a-z0-9][a-z0-9_-]{0,39})$';

/** `wechat`… or `generic:<mapping name>`; anything else is refused naming the field. */
export function parseChannel(value: string, field = 'channel'): SettlementChannel {
  if (new RegExp(CHANNEL_PATTERN).test(value)) return value as SettlementChannel;
  throw new KessaiError('KS_ERR_RECONCILIATION_CHANNEL_INVALID', `${field} must be one of ${NAMED_CHANNELS.join(', ')} or generic:NAME, not ${JSON.stringify(value)}`, { field });
}

export function mappingNameOf(channel: SettlementChannel): string | null {
  return channel.startsWith('generic:') ? channel.slice('generic:'.length) : null;
}

/**
 * Refuses a file whose first bytes say it is another channel's (the extension is not trusted).
 * Generic channels take any text or XLSX that is not recognisably a named channel's file.
 */
export function checkDetectedChannel(channel: SettlementChannel, head: Uint8Array, fileName: string): void {
  const detected = detectSettlementFormat(head, fileName);
  const generic = mappingNameOf(channel) !== null;
  if (generic ? detected !== null && detected.channel !== null : detected?.channel !== channel) {
    const what = detected ? (detected.channel ?? detected.format) : 'no known settlement format';
    throw new KessaiError('KS_ERR_SETTLEMENT_FILE_UNRECOGNISED', `The file's content is ${what}, not a ${channel} settlement file`, {
      field: 'channel',
      expected: channel,
      actual: detected?.channel ?? detected?.format ?? null,
    });
  }
}

/** The parser for a channel's file. */
export function parserFor(channel: SettlementChannel, source: ByteSource, mapping: GenericColumnMapping | null): SettlementFileParse {
  switch (channel) {
    case 'wechat':
      return parseWechatTradeBill(source);
    case 'alipay':
      return parseAlipayBill(source);
    case 'stripe':
      return parseStripePayoutReport(source);
    case 'adyen':
      return parseAdyenSettlementDetails(source);
    case 'paypal':
      return parsePaypalStl(source);
    default:
      if (!mapping) throw new KessaiError('KS_ERR_RECONCILIATION_MAPPING_NOT_FOUND', `No saved mapping for ${channel}`, { field: 'channel' });
      return parseGenericSettlement(source, mapping);
  }
}

/** The first `size` bytes of a stream without consuming it: the returned source replays them. */
export async function peekBytes(source: ByteSource, size: number): Promise<{ head: Uint8Array; source: ByteSource }> {
  const iterator = source[Symbol.asyncIterator]();
  const taken: Uint8Array[] = [];
  let length = 0;
  let finished = false;
  while (length < size) {
    const next = await iterator.next();
    if (next.done) {
      finished = true;
      break;
    }
    taken.push(next.value);
    length += next.value.length;
  }
  const head = Buffer.concat(taken).subarray(0, size);
  async function* replay(): AsyncGenerator<Uint8Array> {
    yield* taken;
    if (finished) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head, source: replay() };
}
