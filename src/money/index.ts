export { currencyExponent, isSupportedCurrency, supportedCurrencies } from './currencies.ts';
export { ROUNDING_MODES, divideRounded, isRoundingMode, type RoundingMode } from './rounding.ts';
export {
  addDecimal,
  compareDecimal,
  decimal,
  decimalToString,
  divideDecimal,
  multiplyDecimal,
  normalizeDecimal,
  parseDecimal,
  pow10,
  roundDecimal,
  subtractDecimal,
  type Decimal,
} from './decimal.ts';
export {
  MAX_AMOUNT,
  add,
  allocate,
  applyRate,
  compare,
  convert,
  exponentOf,
  maxAmount,
  minAmount,
  money,
  parseMajorString,
  parseMinorUnits,
  prorate,
  subtract,
  toMajorString,
  type Money,
} from './money.ts';
