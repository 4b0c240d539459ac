#!/usr/bin/env node
// A second, independent implementation of the perpspec function catalogue, behind the
// conformance adapter protocol (conformance/ADAPTER.md).
//
// Written from the specification (spec/rounding.md, units.md, margin.md, funding.md,
// prices.md, liquidations.md, deleveraging.md, catalogue.md), not from the Python reference: every amount is a BigInt,
// every division names its rounding, and inputs are checked as catalogue.md says.
// It implements "hello" and "eval"; the ledger ops (reset, apply, query_subaccount,
// state_hash) are answered UNSUPPORTED_OP, so it runs the function suite (and the line
// suite, which needs no op); the ledger, trace and genesis suites come out unsupported.
//
// Lines are read as spec/json.md says (JSON-1, JSON-2; ADAPTER.md 1-2): stdin as bytes, one
// line per LF, each decoded as UTF-8 by itself and strictly, lines of JSON white space (space,
// tab, CR) skipped, every other line answered exactly once; a line that is not UTF-8 or not
// strict JSON is answered {"id": null, "error": {"code": "MALFORMED_JSON"}}.
//
// No npm dependencies.  Usage:  node adapter.js   (JSON lines on stdin and stdout)

'use strict';

const FORMAT = 'perpspec conformance format 4';

// ---------------------------------------------------------------------------------------
// Errors: the catalogue's codes (spec/catalogue.md, CAT-4, CAT-5)
// ---------------------------------------------------------------------------------------

class CatalogueError extends Error {
  constructor(code, message) {
    super(message || code);
    this.code = code;
  }
}

const fail = (code, message) => { throw new CatalogueError(code, message); };

// ---------------------------------------------------------------------------------------
// JSON in: a strict parser that keeps the text of every number, so a fraction is never
// rounded into an integer and an integer is never rounded through a double (CAT-2).  It
// refuses what JSON-2 refuses: a key twice in an object, an unpaired surrogate escape,
// nesting deeper than 128, and an integer of more than 1,000 digits; NaN and Infinity are
// not JSON to begin with.
// ---------------------------------------------------------------------------------------

const MAX_DEPTH = 128;            // JSON-2: 128 nested arrays and objects are read, 129 are not
const MAX_NUMBER_DIGITS = 1000;   // JSON-2: a longer integer is refused before it is converted
const NUMBER = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;

class JsonNumber {
  constructor(text) {
    this.text = text;
    this.integral = /^-?(0|[1-9][0-9]*)$/.test(text);
  }
}

function parseJson(text) {
  let i = 0;
  let depth = 0;
  const error = (what) => fail('MALFORMED_JSON', `not valid JSON: ${what} at ${i}`);
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
  const literal = (word, value) => {
    if (text.startsWith(word, i)) { i += word.length; return value; }
    return error('unexpected token');
  };
  function value() {
    ws();
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === 't') return literal('true', true);
    if (c === 'f') return literal('false', false);
    if (c === 'n') return literal('null', null);
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    return error('unexpected character');
  }
  function enter() {
    i++;
    depth++;
    if (depth > MAX_DEPTH) error(`arrays and objects nested more than ${MAX_DEPTH} deep`);
  }
  function object() {
    enter();
    const result = {};
    ws();
    if (text[i] === '}') { i++; depth--; return result; }
    for (;;) {
      ws();
      if (text[i] !== '"') error('expected a key');
      const key = string();
      if (Object.prototype.hasOwnProperty.call(result, key)) error(`the key ${JSON.stringify(key)} appears twice`);
      ws();
      if (text[i] !== ':') error('expected ":"');
      i++;
      Object.defineProperty(result, key, { value: value(), enumerable: true, writable: true, configurable: true });
      ws();
      if (text[i] === ',') { i++; continue; }
      if (text[i] === '}') { i++; depth--; return result; }
      error('expected "," or "}"');
    }
  }
  function array() {
    enter();
    const result = [];
    ws();
    if (text[i] === ']') { i++; depth--; return result; }
    for (;;) {
      result.push(value());
      ws();
      if (text[i] === ',') { i++; continue; }
      if (text[i] === ']') { i++; depth--; return result; }
      error('expected "," or "]"');
    }
  }
  const hex4 = (at) => (/^[0-9a-fA-F]{4}$/.test(text.slice(at, at + 4)) ? parseInt(text.slice(at, at + 4), 16) : -1);
  function string() {
    i++;
    let out = '';
    for (;;) {
      if (i >= text.length) error('unterminated string');
      const c = text[i++];
      if (c === '"') return out;
      if (c < ' ') error('control character in string');
      if (c !== '\\') { out += c; continue; }
      const e = text[i++];
      const simple = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e in simple) { out += simple[e]; continue; }
      const code = e === 'u' ? hex4(i) : -1;
      if (code < 0) error('bad escape');
      i += 4;
      if (code >= 0xdc00 && code <= 0xdfff) error('an unpaired surrogate escape');
      if (code >= 0xd800 && code <= 0xdbff) {   // JSON-2: a high surrogate needs a low one next
        const low = text.startsWith('\\u', i) ? hex4(i + 2) : -1;
        if (low < 0xdc00 || low > 0xdfff) error('an unpaired surrogate escape');
        out += String.fromCharCode(code, low);
        i += 6;
        continue;
      }
      out += String.fromCharCode(code);
    }
  }
  function number() {
    NUMBER.lastIndex = i;
    const match = NUMBER.exec(text);
    if (!match) error('bad number');
    i += match[0].length;
    const number = new JsonNumber(match[0]);
    const digits = match[0].length - (match[0][0] === '-' ? 1 : 0);
    if (number.integral && digits > MAX_NUMBER_DIGITS) error(`an integer of ${digits} digits`);
    return number;
  }
  const result = value();
  ws();
  if (i !== text.length) error('trailing characters');
  return result;
}

// ---------------------------------------------------------------------------------------
// JSON out: integers within 2^53 as numbers, larger ones as decimal strings (CAT-3);
// ASCII only.
// ---------------------------------------------------------------------------------------

const SAFE = 2n ** 53n;

function writeJson(value) {
  if (typeof value === 'bigint') {
    return (value >= -SAFE && value <= SAFE) ? value.toString() : JSON.stringify(value.toString());
  }
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  }
  if (Array.isArray(value)) return '[' + value.map(writeJson).join(',') + ']';
  return '{' + Object.keys(value).map((k) => writeJson(k) + ':' + writeJson(value[k])).join(',') + '}';
}

// ---------------------------------------------------------------------------------------
// Integers in (CAT-2, CAT-4)
// ---------------------------------------------------------------------------------------

const MAX_DIGITS = 1000;          // CAT-4: integers of more than 1,000 digits are OUT_OF_RANGE
const MAX_POWER = 4096n;          // CAT-4: powers of ten above 10^4096 are LIMIT_EXCEEDED
const UINT32_MAX = 2n ** 32n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

// The Go types of the catalogue's inputs (CAT-4): [name, minimum, maximum]; null is unbounded.
const TYPES = {
  integer: ['integer', null, null],
  uint64: ['uint64', 0n, UINT64_MAX],
  uint32: ['uint32', 0n, UINT32_MAX],
  int32: ['int32', INT32_MIN, INT32_MAX],
};

function describe(value) {
  if (value instanceof JsonNumber) return `the number ${value.text}`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

function readInteger(value, name, type) {
  let digits;
  if (value instanceof JsonNumber) {
    if (!value.integral) fail('INVALID_TYPE', `${name}: ${value.text} is not an integer`);
    digits = value.text;
  } else if (typeof value === 'string') {
    if (!/^-?[0-9]+$/.test(value)) fail('INVALID_TYPE', `${name}: ${JSON.stringify(value)} is not a decimal integer`);
    digits = value;
  } else {
    fail('INVALID_TYPE', `${name}: expected an integer, got ${describe(value)}`);
  }
  if (digits.replace('-', '').length > MAX_DIGITS) fail('OUT_OF_RANGE', `${name}: more than ${MAX_DIGITS} digits`);
  const n = BigInt(digits);
  const [typeName, min, max] = TYPES[type];
  if ((min !== null && n < min) || (max !== null && n > max)) fail('OUT_OF_RANGE', `${name}: ${n} is outside ${typeName}`);
  return n;
}

// A median's values: a non-empty list, all fitting int64 or all fitting uint64 (CAT-4, PRICE-4).
function readMedianValues(value, name) {
  if (!Array.isArray(value)) fail('INVALID_TYPE', `${name}: expected a list, got ${describe(value)}`);
  if (value.length === 0) fail('INVALID_ARGUMENT', `${name}: an empty list has no median`);
  const numbers = value.map((v, k) => readInteger(v, `${name}[${k}]`, 'integer'));
  const fitsInt64 = numbers.every((n) => n >= INT64_MIN && n <= INT64_MAX);
  const fitsUint64 = numbers.every((n) => n >= 0n && n <= UINT64_MAX);
  if (!fitsInt64 && !fitsUint64) fail('OUT_OF_RANGE', `${name}: the values fit neither int64 nor uint64`);
  return numbers;
}

// ---------------------------------------------------------------------------------------
// Rounding (spec/rounding.md): every division names its direction; divisors are positive.
// BigInt "/" truncates toward zero, so floor and ceil are derived from it.
// ---------------------------------------------------------------------------------------

const FLOOR = 'floor';
const CEIL = 'ceil';
const TRUNC = 'trunc';
const MILLION = 1000000n;

function divide(n, d, rounding) {          // ROUND-3, ROUND-4, ROUND-5
  if (d <= 0n) throw new Error('ROUND-2: divisors are positive');
  const q = n / d;                         // toward zero
  const exact = q * d === n;
  if (exact || rounding === TRUNC) return q;
  if (rounding === FLOOR) return n < 0n ? q - 1n : q;
  return n > 0n ? q + 1n : q;              // CEIL
}

const abs = (n) => (n < 0n ? -n : n);
const digitCount = (n) => abs(n).toString().length;

function pow10(e) {                        // only ever built up to the limit (CAT-4)
  if (e > MAX_POWER) fail('LIMIT_EXCEEDED', `needs 10^${e}`);
  return 10n ** e;
}

// v * 10^e, rounding as named when e < 0 (ROUND-7).  A zero v needs no power; a division by
// a power with more digits than |v| has an exact quotient in (-1, 1), answered directly.
function mulPow10(v, e, rounding) {
  if (v === 0n) return 0n;
  if (e >= 0n) return v * pow10(e);
  const shift = -e;
  if (shift > BigInt(digitCount(v))) {
    if (rounding === FLOOR) return v < 0n ? -1n : 0n;
    if (rounding === CEIL) return v > 0n ? 1n : 0n;
    return 0n;
  }
  return divide(v, 10n ** shift, rounding);
}

const mulPpm = (v, ppm, rounding) => divide(v * ppm, MILLION, rounding);   // ROUND-6

function meanHalfAwayFromZero(x, y) {       // ROUND-9
  const s = x + y;
  return s >= 0n ? divide(s + 1n, 2n, FLOOR) : -divide(-s + 1n, 2n, FLOOR);
}

function gcd(a, b) {
  a = abs(a); b = abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

// A reduced rational [numerator, denominator] with a positive denominator (CAT-3).
function rational(n, d) {
  if (d < 0n) { n = -n; d = -d; }
  const g = gcd(n, d) || 1n;
  return [n / g, d / g];
}

// ---------------------------------------------------------------------------------------
// Units (spec/units.md)
// ---------------------------------------------------------------------------------------

const QUOTE_ATOMIC_RESOLUTION = -6n;

// UNITS-4: trunc(b * p * 10^(pe + ar + 6))
function baseToQuote(b, ar, p, pe) {
  return mulPow10(b * p, pe + ar - QUOTE_ATOMIC_RESOLUTION, TRUNC);
}

// UNITS-5: trunc(trunc(q / 10^e) / p) for e >= 0, trunc(q * 10^-e / p) for e < 0; p > 0
function quoteToBase(q, ar, p, pe) {
  if (p === 0n) fail('INVALID_ARGUMENT', 'price_value must be positive');
  const e = pe + ar - QUOTE_ATOMIC_RESOLUTION;
  return divide(mulPow10(q, -e, TRUNC), p, TRUNC);
}

// UNITS-6: floor(s * b * 10^qce)
const fillQuote = (s, b, qce) => mulPow10(s * b, qce, FLOOR);

// UNITS-7
function averagePrice(q, b, qce) {
  if (b === 0n) fail('INVALID_ARGUMENT', 'base_quantums must be non-zero');
  if (abs(qce) > MAX_POWER) fail('LIMIT_EXCEEDED', `needs 10^${abs(qce)}`);
  return qce <= 0n ? rational(q * 10n ** -qce, b) : rational(q, b * 10n ** qce);
}

const subticksExponent = (pe, bar, qar, qce) => pe - qce + bar - qar;

function priceToSubticks(p, pe, bar, qar, qce) {
  const x = subticksExponent(pe, bar, qar, qce);
  if (x >= 0n) return rational(p === 0n ? 0n : p * pow10(x), 1n);
  return rational(p, pow10(-x));
}

function subticksToPrice(s, pe, bar, qar, qce) {
  const price = mulPow10(s, -subticksExponent(pe, bar, qar, qce), FLOOR);
  if (price > UINT64_MAX) fail('RESULT_OUT_OF_RANGE', `the price ${price} does not fit a uint64`);
  return price;
}

// ---------------------------------------------------------------------------------------
// Margin (spec/margin.md)
// ---------------------------------------------------------------------------------------

// MARGIN-1; an IMF above 100% cannot be scaled between the caps (CAT-4)
function adjustedImf(imf, lower, upper, oi) {
  if (upper === 0n || oi <= lower) return imf;
  if (oi >= upper) return MILLION;
  if (imf > MILLION) fail('INVALID_ARGUMENT', 'an initial margin above 100% cannot be scaled');
  return imf + divide((MILLION - imf) * (oi - lower), upper - lower, FLOOR);
}

// MARGIN-2: ceil(n * adjusted / 1e6)
const initialMargin = (n, imf, lower, upper, oi) => mulPpm(n, adjustedImf(imf, lower, upper, oi), CEIL);

// MARGIN-3: floor(imf * mf / 1e6); a maintenance fraction above 100% is OUT_OF_RANGE (CAT-4)
function maintenanceMarginPpm(imf, mf) {
  if (mf > MILLION) fail('OUT_OF_RANGE', 'maintenance_fraction_ppm is above 100%');
  return mulPpm(imf, mf, FLOOR);
}

// MARGIN-2, MARGIN-3: IMR with open-interest scaling; MMR = ceil(ceil(n * imf / 1e6) * mf / 1e6)
function marginRequirements(q, ar, p, pe, imf, mf, oiBase, lower, upper) {
  const notional = baseToQuote(abs(q), ar, p, pe);
  const oiNotional = baseToQuote(oiBase, ar, p, pe);
  const imr = initialMargin(notional, imf, lower, upper, oiNotional);
  const mmr = mulPpm(mulPpm(notional, imf, CEIL), mf, CEIL);
  return { imr, mmr };
}

// MARGIN-7: 1 when the first account is riskier, -1 when safer, 0 when equal
function riskCompare(nc1, mmr1, nc2, mmr2) {
  const sign = (n) => (n > 0n ? 1n : n < 0n ? -1n : 0n);
  const primary = sign(nc2 * mmr1 - nc1 * mmr2);
  if (primary !== 0n) return primary;
  if (mmr1 === 0n && mmr2 === 0n) return sign(nc2 - nc1);
  return sign(mmr1 - mmr2);
}

// ---------------------------------------------------------------------------------------
// Prices (spec/prices.md) and funding (spec/funding.md)
// ---------------------------------------------------------------------------------------

function median(values) {                  // PRICE-4
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : meanHalfAwayFromZero(sorted[middle - 1], sorted[middle]);
}

function minPriceChange(price, ppm) {      // PRICE-5
  const amount = mulPpm(price, ppm, FLOOR);
  if (amount > UINT64_MAX) fail('RESULT_OUT_OF_RANGE', `the amount ${amount} does not fit a uint64`);
  return amount;
}

// FUND-1: (-(I_perp - I_pos) * q, I_perp)
const fundingSettlement = (perpIndex, positionIndex, q) => ({
  net_settlement_ppm: -(perpIndex - positionIndex) * q,
  new_funding_index: perpIndex,
});


// ---------------------------------------------------------------------------------------
// Funding that moves (spec/funding.md, FUND-4..8) and price acceptance (spec/prices.md, PRICE-10)
// ---------------------------------------------------------------------------------------

const cmpBig = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const FUNDING_PERIOD = 28800n;

// The element at index k of sorted(nonzero ++ zeros x 0), the zeros never built.
function sortedWithZerosAt(values, padding, k) {
  const neg = values.filter((v) => v < 0n).sort(cmpBig);
  const pos = values.filter((v) => v > 0n).sort(cmpBig);
  const zeros = padding + BigInt(values.filter((v) => v === 0n).length);
  if (k < BigInt(neg.length)) return neg[Number(k)];
  if (k < BigInt(neg.length) + zeros) return 0n;
  return pos[Number(k - BigInt(neg.length) - zeros)];
}

// The sum of sorted(nonzero ++ zeros x 0)[start:end], the zeros never built.
function sumSortedSlice(values, padding, start, end) {
  const neg = values.filter((v) => v < 0n).sort(cmpBig);
  const pos = values.filter((v) => v > 0n).sort(cmpBig);
  const firstPositive = BigInt(neg.length) + padding + BigInt(values.filter((v) => v === 0n).length);
  let total = 0n;
  neg.forEach((v, k) => { if (BigInt(k) >= start && BigInt(k) < end) total += v; });
  pos.forEach((v, k) => { const at = firstPositive + BigInt(k); if (at >= start && at < end) total += v; });
  return total;
}

// FUND-5: median of the votes padded with zeros to max(num_votes, min); even: half away from zero
function premiumSample(votes, numVotes, minVotes) {
  if (BigInt(votes.length) > numVotes) fail('INVALID_ARGUMENT', 'more non-zero votes than vote messages');
  if (votes.length === 0) return 0n;
  const n = numVotes > minVotes ? numVotes : minVotes;
  const zeros = n - BigInt(votes.length);
  const mid = n / 2n;
  if (n % 2n === 1n) return sortedWithZerosAt(votes, zeros, mid);
  return meanHalfAwayFromZero(sortedWithZerosAt(votes, zeros, mid - 1n), sortedWithZerosAt(votes, zeros, mid));
}

// FUND-6: total = floor(len * ((2 * rate) mod 2^32) / 1e6); keep all if 0 or >= len
function tailBounds(length, rate) {
  const total = mulPpm(length, (rate * 2n) % (2n ** 32n), FLOOR);
  if (total === 0n || total >= length) return null;
  const bottom = total / 2n;
  return [bottom, length - (total - bottom)];
}

function removeSampleTails(samples, rate) {
  const b = tailBounds(BigInt(samples.length), rate);
  if (b === null) return [...samples];
  return [...samples].sort(cmpBig).slice(Number(b[0]), Number(b[1]));
}

// FUND-8: floor(clamp * (IM - floor(IM * MF / 1e6)) / 1e6)
function fundingClamp(clamp, im, mf) {
  if (mf > MILLION) fail('OUT_OF_RANGE', 'maintenance_fraction_ppm is above 100%');
  return mulPpm(clamp, im - mulPpm(im, mf, FLOOR), FLOOR);
}

// FUND-7: trunc(BaseToQuote(time * rate) / 28800)
const fundingIndexDelta = (ar, pe, p, rate, time) => divide(baseToQuote(time * rate, ar, p, pe), FUNDING_PERIOD, TRUNC);

// FUND-7: the whole tick
function fundingTick(samples, num, sampleS, tickS, tailPpm, defaultPpm, im, mf, clampPpm, ar, p, pe) {
  if (sampleS === 0n) fail('INVALID_ARGUMENT', 'funding_sample_duration_s must be positive');
  if (BigInt(samples.length) > num) fail('INVALID_ARGUMENT', 'more non-zero samples than sample epochs');
  if (mf > MILLION) fail('OUT_OF_RANGE', 'maintenance_fraction_ppm is above 100%');
  const minSamples = divide(tickS, sampleS, CEIL);
  let premium = 0n;
  if (samples.length) {
    const n = num > minSamples ? num : minSamples;
    const zeros = n - BigInt(samples.length);
    const b = tailBounds(n, tailPpm);
    let total = 0n;
    let count = n;
    if (b === null) {
      for (const v of samples) total += v;
    } else {
      total = sumSortedSlice(samples, zeros, b[0], b[1]);
      count = b[1] - b[0];
    }
    premium = divide(total, count, TRUNC);
  }
  const bound = fundingClamp(clampPpm, im, mf);
  let rate = premium + defaultPpm;
  if (rate < -bound) rate = -bound;
  if (rate > bound) rate = bound;
  if (rate > INT32_MAX) fail('RESULT_OUT_OF_RANGE', 'the funding rate does not fit an int32');
  if (rate === 0n) return { funding_rate_ppm: 0n, funding_index_delta: 0n };
  return { funding_rate_ppm: rate, funding_index_delta: fundingIndexDelta(ar, pe, p, rate, tickS) };
}

// FUND-4: one side's impact price, or null when too thin
function impactPrice(side, notional, qce) {
  if (notional === 0n && side.length) return rational(side[0].subticks, 1n);
  let remaining = notional;
  let [an, ad] = [0n, 1n];
  for (const { subticks, quantums } of side) {
    if (remaining <= 0n) break;
    const full = fillQuote(subticks, quantums, qce);
    if (remaining > full) [an, ad] = rational(an + quantums * ad, ad);
    else [an, ad] = rational(an * full + remaining * quantums * ad, ad * full);
    remaining -= full;
  }
  if (remaining > 0n) return null;
  const base = divide(an, ad, CEIL);
  return averagePrice(notional, base, qce);
}

const wrapInt32 = (v) => ((v + 2n ** 31n) % (2n ** 32n) + 2n ** 32n) % (2n ** 32n) - 2n ** 31n;

function checkSide(side, name, descending) {
  side.forEach((o, k) => {
    if (o.quantums === 0n) fail('INVALID_ARGUMENT', `${name}[${k}]: an empty resting order`);
    if (k && (descending ? o.subticks > side[k - 1].subticks : o.subticks < side[k - 1].subticks)) fail('INVALID_ARGUMENT', `${name}[${k}]: not in priority order`);
  });
}

function pricePremium(p, pe, bar, qar, qce, notional, maxAbs, bids, asks) {
  const [inum, iden] = priceToSubticks(p, pe, bar, qar, qce);
  if (inum === 0n) fail('INVALID_ARGUMENT', 'the index price is zero');
  checkSide(bids, 'bids', true);
  checkSide(asks, 'asks', false);
  if (bids.length && asks.length && bids[0].subticks >= asks[0].subticks) fail('INVALID_ARGUMENT', 'the book is crossed');
  if ((bids.length || asks.length) && abs(qce) > MAX_POWER) fail('LIMIT_EXCEEDED', `needs 10^${abs(qce)}`);
  // compare index (inum/iden) with integer s: sign(inum - s * iden)
  let isBid;
  let side;
  if (bids.length && inum < bids[0].subticks * iden) [isBid, side] = [true, bids];
  else if (asks.length && inum > asks[0].subticks * iden) [isBid, side] = [false, asks];
  else return 0n;
  const impact = impactPrice(side, notional, qce);
  if (impact === null) return 0n;
  const [mn, md] = impact;
  const c = cmpBig(inum * md, mn * iden);
  if ((isBid && c >= 0) || (!isBid && c <= 0)) return 0n;
  // impact / index * 1e6 - 1e6, truncated toward zero
  const rn = mn * iden * MILLION - MILLION * md * inum;
  const rd = md * inum;
  const rounded = divide(rn, rd, TRUNC);
  const lower = wrapInt32(-maxAbs);
  if (rounded < lower) return lower;
  if (rounded > maxAbs) return maxAbs;
  return rounded;
}

// PRICE-10
const withinOneTick = (delta, tick) => delta * MILLION <= tick;
const sqrtCondition = (newDelta, oldDelta, tick) => newDelta * newDelta * MILLION <= oldDelta * tick;

function maxAllowedDelta(oldDelta, tick) {
  const product = oldDelta * tick;
  if (product < 0n) fail('INVALID_ARGUMENT', 'a negative product has no square root');
  return isqrtExact(divide(product, MILLION, FLOOR));
}

function isqrtExact(n) {
  if (n < 2n) return n;
  let x = n;
  let y = (x + 1n) / 2n;
  while (y < x) { x = y; y = (x + n / x) / 2n; }
  return x;
}

// ---------------------------------------------------------------------------------------
// The risk engine (spec/liquidations.md, spec/deleveraging.md, SUB-8)
// ---------------------------------------------------------------------------------------

const MAX_LIST_LENGTH = 100000;   // CAT-4

// Input kinds beyond integers (CAT-2): booleans, choices, rationals, lists and objects.
const BOOLEAN = { kind: 'boolean' };
const RATIONAL = { kind: 'rational' };
const choice = (...choices) => ({ kind: 'choice', choices });
const listOf = (item) => ({ kind: 'list', item });
const objectOf = (...fields) => ({ kind: 'object', fields });

function readObjectShape(value, name, fields, typeCode) {
  if (!isObject(value)) fail(typeCode, `${name}: expected a JSON object, got ${describe(value)}`);
  const names = fields.map(([field]) => field);
  const missing = names.find((field) => !Object.prototype.hasOwnProperty.call(value, field));
  if (missing !== undefined) fail('MISSING_INPUT', `${name}: missing field ${missing}`);
  const extra = Object.keys(value).filter((field) => !names.includes(field)).sort();
  if (extra.length) fail('UNEXPECTED_INPUT', `${name}: unknown field ${extra[0]}`);
}

function readValue(value, name, type) {
  if (typeof type === 'string') return readInput(value, name, type);
  switch (type.kind) {
    case 'boolean':
      if (typeof value !== 'boolean') fail('INVALID_TYPE', `${name}: expected true or false`);
      return value;
    case 'choice':
      if (typeof value !== 'string') fail('INVALID_TYPE', `${name}: expected a string`);
      if (!type.choices.includes(value)) fail('INVALID_ARGUMENT', `${name}: not one of ${type.choices.join(', ')}`);
      return value;
    case 'rational': {
      if (!Array.isArray(value) || value.length !== 2) fail('INVALID_TYPE', `${name}: a rational is [numerator, denominator]`);
      const n = readInteger(value[0], `${name}[0]`, 'integer');
      const d = readInteger(value[1], `${name}[1]`, 'integer');
      if (d === 0n) fail('INVALID_ARGUMENT', `${name}: the denominator is 0`);
      return rational(n, d);
    }
    case 'list':
      if (!Array.isArray(value)) fail('INVALID_TYPE', `${name}: expected a list, got ${describe(value)}`);
      if (value.length > MAX_LIST_LENGTH) fail('OUT_OF_RANGE', `${name}: more than ${MAX_LIST_LENGTH} items`);
      return value.map((item, k) => readValue(item, `${name}[${k}]`, type.item));
    case 'object': {
      readObjectShape(value, name, type.fields, 'INVALID_TYPE');
      const out = {};
      for (const [field, fieldType] of type.fields) out[field] = readValue(value[field], `${name}.${field}`, fieldType);
      return out;
    }
    default:
      throw new Error(`unknown input kind ${type.kind}`);
  }
}

const PERPETUAL = objectOf(['perpetual_id', 'uint32'], ['atomic_resolution', 'int32'], ['price_value', 'uint64'],
  ['price_exponent', 'int32'], ['initial_margin_ppm', 'uint32'], ['maintenance_fraction_ppm', 'uint32']);
const POSITION = objectOf(['perpetual_id', 'uint32'], ['quantums', 'integer']);
const STATUS = choice('ACTIVE', 'PAUSED', 'CANCEL_ONLY', 'POST_ONLY', 'INITIALIZING', 'FINAL_SETTLEMENT');
const sign = (n) => (n > 0n ? 1n : n < 0n ? -1n : 0n);
const quoteExponent = (ar, pe) => pe + ar - QUOTE_ATOMIC_RESOLUTION;

function requireUnique(items, name) {
  const seen = new Set();
  for (const item of items) {
    const key = item.perpetual_id.toString();
    if (seen.has(key)) fail('DUPLICATE_PERPETUAL_ID', `${name} lists perpetual ${key} twice`);
    seen.add(key);
  }
}

// LIQ-6: the perpetuals by id and the subaccount's non-zero positions, or the malformed combination's code.
function riskState(perpetuals, usdc, positions) {
  requireUnique(perpetuals, 'perpetuals');
  requireUnique(positions, 'perpetual_positions');
  const byId = new Map();
  for (const p of perpetuals) {
    if (p.maintenance_fraction_ppm > MILLION) fail('OUT_OF_RANGE', 'maintenance_fraction_ppm is above 100%');
    if (abs(quoteExponent(p.atomic_resolution, p.price_exponent)) > MAX_POWER) fail('LIMIT_EXCEEDED', 'the quote exponent is beyond the limit');
    byId.set(p.perpetual_id.toString(), p);
  }
  const held = new Map();
  for (const position of positions) {
    const key = position.perpetual_id.toString();
    if (!byId.has(key)) fail('UNKNOWN_PERPETUAL', `perpetual ${key} is not listed`);
    if (position.quantums !== 0n) held.set(key, position.quantums);
  }
  return { byId, usdc, held };
}

// MARGIN-2..4 without open interest: [NNV, MMR] of q base quantums of perpetual p
function positionRisk(p, q) {
  const nnv = baseToQuote(q, p.atomic_resolution, p.price_value, p.price_exponent);
  const notional = abs(nnv);
  const mmr = mulPpm(mulPpm(notional, p.initial_margin_ppm, CEIL), p.maintenance_fraction_ppm, CEIL);
  return [nnv, mmr];
}

// MARGIN-5 (funding is settled: every index is 0): [TNC, TMMR]
function totals(state) {
  let nc = state.usdc;
  let mmr = 0n;
  for (const [key, q] of state.held) {
    const [n, m] = positionRisk(state.byId.get(key), q);
    nc += n;
    mmr += m;
  }
  return [nc, mmr];
}

// LIQ-5: the position, if the delta closes part or all of it
function heldPosition(state, perpetualId, delta) {
  const q = state.held.get(perpetualId.toString()) || 0n;
  if (sign(q) * sign(delta) !== -1n || abs(delta) > abs(q)) fail('INVALID_PERPETUAL_POSITION_SIZE_DELTA', 'the delta does not close part of the position');
  return q;
}

// LIQ-6: -DNNV - floor(TNC * |DMMR| / TMMR)
function bankruptcy(state, perpetualId, delta) {
  const [tnc, tmmr] = totals(state);
  const q = heldPosition(state, perpetualId, delta);
  const p = state.byId.get(perpetualId.toString());
  const [nnvOld, mmrOld] = positionRisk(p, q);
  const [nnvNew, mmrNew] = positionRisk(p, q + delta);
  const dnnv = nnvNew - nnvOld;
  const dmmr = mmrNew - mmrOld;
  if (dmmr > 0n) fail('POSITIVE_DELTA_MAINTENANCE_MARGIN', 'DMMR is positive');
  if (tmmr <= 0n) fail('ZERO_TOTAL_MAINTENANCE_MARGIN', 'TMMR is 0');
  return -dnnv - divide(tnc * -dmmr, tmmr, FLOOR);
}

// LIQ-7: (PNNV - clamp(BA (1 - TNC/TMMR), 0, 1) SMMR PMMR) / PS, exactly
function fillablePrice(state, perpetualId, delta, ba, smmr) {
  const q = heldPosition(state, perpetualId, delta);
  const [pnnv, pmmr] = positionRisk(state.byId.get(perpetualId.toString()), q);
  const [tnc, tmmr] = totals(state);
  if (tmmr <= 0n) fail('ZERO_TOTAL_MAINTENANCE_MARGIN', 'TMMR is 0');
  const abrDen = MILLION * tmmr;
  let abrNum = ba * (tmmr - tnc);
  if (abrNum < 0n) abrNum = 0n;
  if (abrNum > abrDen) abrNum = abrDen;
  const [n, d] = rational(pnnv * MILLION * abrDen - abrNum * smmr * pmmr, MILLION * abrDen * q);
  if (n < 0n) fail('NEGATIVE_FILLABLE_PRICE', 'the fillable price is negative');
  return [n, d];
}

// LIQ-8: price / 10^qce, up (long) or down (short) to a subtick and to a tick, clamped
function fillableToSubticks(price, isLong, spt, qce) {
  const [num, den] = price;
  if (spt === 0n) fail('INVALID_ARGUMENT', 'subticks_per_tick must be positive');
  if (num !== 0n && abs(qce) > MAX_POWER) fail('LIMIT_EXCEEDED', `needs 10^${abs(qce)}`);
  if (num < 0n) fail('NEGATIVE_FILLABLE_PRICE', 'the fillable price is negative');
  let subticks = 0n;
  if (num !== 0n) {
    const [n, d] = qce >= 0n ? [num, den * 10n ** qce] : [num * 10n ** -qce, den];
    subticks = divide(n, d, isLong ? CEIL : FLOOR);
  }
  const aligned = divide(subticks, spt, isLong ? CEIL : FLOOR) * spt;
  const maximum = UINT64_MAX - (UINT64_MAX % spt);
  return aligned < spt ? spt : aligned > maximum ? maximum : aligned;
}

// LIQ-3, LIQ-4: limit - so far
function blockLimitLeft(limit, soFar, already, exceeded) {
  if (already) fail('SUBACCOUNT_HAS_LIQUIDATED_PERPETUAL', 'liquidated this block');
  if (soFar > limit) fail(exceeded, 'past the block limit');
  return limit - soFar;
}

// LIQ-1
function notionalBounds(notional, minimum, ppm) {
  const low = minimum < notional ? minimum : notional;
  const portion = mulPpm(notional, ppm, FLOOR);
  return [low, portion > low ? portion : low];
}

// LIQ-2
function liquidatableSize(q, ar, p, pe, step, minimum, ppm, subMax, soFar) {
  if (step === 0n) fail('INVALID_ARGUMENT', 'step_base_quantums must be positive');
  if (q * p !== 0n && quoteExponent(ar, pe) > MAX_POWER) fail('LIMIT_EXCEEDED', 'the quote exponent is beyond the limit');
  const notional = abs(baseToQuote(q, ar, p, pe));
  const [, positionMax] = notionalBounds(notional, minimum, ppm);
  const subaccountMax = blockLimitLeft(subMax, soFar, false, 'LIQUIDATION_EXCEEDS_SUBACCOUNT_MAX_NOTIONAL_LIQUIDATED');
  const cap = positionMax < subaccountMax ? positionMax : subaccountMax;
  if (notional <= cap || abs(q) <= step) return -q;
  const base = quoteToBase(cap, ar, p, pe);
  let size = divide(base, step, FLOOR) * step;
  if (size > abs(q)) size = abs(q);
  if (size < step) size = step;
  return q > 0n ? -size : size;
}

// LIQ-9
function insuranceFundDelta(state, perpetualId, isBuy, fill, subticks, qce, feePpm) {
  if (subticks * fill !== 0n && qce > MAX_POWER) fail('LIMIT_EXCEEDED', `needs 10^${qce}`);
  if (fill === 0n) fail('INVALID_QUANTUMS_FOR_INSURANCE_FUND_DELTA_CALCULATION', 'the fill amount is 0');
  let fq = fillQuote(subticks, fill, qce);
  if (isBuy) fq = -fq;
  const bq = bankruptcy(state, perpetualId, isBuy ? fill : -fill);
  const delta = fq - bq;
  if (delta <= 0n) return delta;
  const cap = mulPpm(abs(fq), feePpm, FLOOR);
  return cap < delta ? cap : delta;
}

// SUB-8
function undercollateralized(oldNc, oldImr, oldMmr, newNc, newMmr) {
  const failure = oldNc >= oldImr ? 'NewlyUndercollateralized' : 'StillUndercollateralized';
  if (newMmr > oldMmr) return failure;
  if (newMmr === 0n || oldMmr === 0n) return newMmr === 0n && oldMmr === 0n && newNc > oldNc ? 'Success' : failure;
  return riskCompare(newNc, newMmr, oldNc, oldMmr) > 0n ? failure : 'Success';
}

// DEL-1: TNC at one price for every listed position
function canDeleverage(usdc, positions, ar, p, pe, status) {
  requireUnique(positions, 'perpetual_positions');
  if (positions.length && abs(quoteExponent(ar, pe)) > MAX_POWER) fail('LIMIT_EXCEEDED', 'the quote exponent is beyond the limit');
  let tnc = usdc;
  for (const position of positions) tnc += baseToQuote(position.quantums, ar, p, pe);
  return tnc < 0n ? [true, false] : [false, status === 'FINAL_SETTLEMENT'];
}

// MARGIN-2..5 without open-interest scaling: [TNC, TIMR, TMMR] of a risk state
function fullRisk(state) {
  let nc = state.usdc;
  let imr = 0n;
  let mmr = 0n;
  for (const [key, q] of state.held) {
    const p = state.byId.get(key);
    const nnv = baseToQuote(q, p.atomic_resolution, p.price_value, p.price_exponent);
    const initial = mulPpm(abs(nnv), p.initial_margin_ppm, CEIL);
    nc += nnv;
    imr += initial;
    mmr += mulPpm(initial, p.maintenance_fraction_ppm, CEIL);
  }
  return [nc, imr, mmr];
}

// SUB-7, SUB-8: whether an update of (usdcDelta, positionDelta in perpetual key) passes the collateral check
function passesCollateralCheck(state, key, usdcDelta, positionDelta) {
  const [oldNc, oldImr, oldMmr] = fullRisk(state);
  const held = new Map(state.held);
  const q = (held.get(key) || 0n) + positionDelta;
  if (q === 0n) held.delete(key);
  else held.set(key, q);
  const [newNc, newImr, newMmr] = fullRisk({ byId: state.byId, usdc: state.usdc + usdcDelta, held });
  if (newNc >= newImr) return true;
  return undercollateralized(oldNc, oldImr, oldMmr, newNc, newMmr) === 'Success';
}

function deleveragedAccount(state, key, usdcDelta, positionDelta) {
  const held = new Map(state.held);
  const q = (held.get(key) || 0n) + positionDelta;
  if (q === 0n) held.delete(key);
  else held.set(key, q);
  const ids = [...held.keys()].map(BigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    usdc_balance_quote_quantums: state.usdc + usdcDelta,
    perpetual_positions: ids.map((id) => ({ perpetual_id: id, quantums: held.get(id.toString()) })),
  };
}

// DEL-3: one deleveraging fill at the bankruptcy price (or the oracle price in final settlement)
function processDeleveraging(perpetuals, liquidated, offsetting, perpetualId, delta, isFinal) {
  const L = riskState(perpetuals, liquidated.usdc_balance_quote_quantums, liquidated.perpetual_positions);
  const O = riskState(perpetuals, offsetting.usdc_balance_quote_quantums, offsetting.perpetual_positions);
  const key = perpetualId.toString();
  const lq = L.held.get(key) || 0n;
  const oq = O.held.get(key) || 0n;
  const reduces = (q, d) => sign(q) * sign(d) === -1n && abs(d) <= abs(q);
  if (!reduces(lq, delta) || !reduces(oq, -delta)) fail('INVALID_PERPETUAL_POSITION_SIZE_DELTA', 'the delta does not reduce both positions');
  const p = L.byId.get(key);
  const quote = isFinal ? baseToQuote(-delta, p.atomic_resolution, p.price_value, p.price_exponent) : bankruptcy(L, perpetualId, delta);
  if (p.price_value === 0n) fail('POSITION_NOT_UPDATABLE', 'the perpetual has no oracle price');
  if (!passesCollateralCheck(L, key, quote, delta) || !passesCollateralCheck(O, key, -quote, -delta)) {
    fail('FAILED_TO_UPDATE_SUBACCOUNTS', 'a side fails its collateral check');
  }
  return { liquidated: deleveragedAccount(L, key, quote, delta), offsetting: deleveragedAccount(O, key, -quote, -delta) };
}

const DELEVERAGING_ACCOUNT = objectOf(['usdc_balance_quote_quantums', 'integer'], ['perpetual_positions', listOf(POSITION)]);

const RISK_STATE = [['perpetuals', listOf(PERPETUAL)], ['usdc_balance_quote_quantums', 'integer'], ['perpetual_positions', listOf(POSITION)], ['perpetual_id', 'uint32']];

// ---------------------------------------------------------------------------------------
// The catalogue (spec/catalogue.md, CAT-1): names, inputs in order with their Go types
// ---------------------------------------------------------------------------------------

const CATALOGUE = {
  base_to_quote_quantums: [[['base_quantums', 'integer'], ['atomic_resolution', 'int32'], ['price_value', 'uint64'], ['price_exponent', 'int32']], baseToQuote],
  quote_to_base_quantums: [[['quote_quantums', 'integer'], ['atomic_resolution', 'int32'], ['price_value', 'uint64'], ['price_exponent', 'int32']], quoteToBase],
  fill_quote_quantums_from_subticks: [[['subticks', 'uint64'], ['base_quantums', 'uint64'], ['quantum_conversion_exponent', 'int32']], fillQuote],
  average_price_subticks: [[['quote_quantums', 'integer'], ['base_quantums', 'integer'], ['quantum_conversion_exponent', 'int32']], averagePrice],
  price_to_subticks: [[['price_value', 'uint64'], ['price_exponent', 'int32'], ['base_atomic_resolution', 'int32'], ['quote_atomic_resolution', 'int32'], ['quantum_conversion_exponent', 'int32']], priceToSubticks],
  subticks_to_price: [[['subticks', 'uint64'], ['price_exponent', 'int32'], ['base_atomic_resolution', 'int32'], ['quote_atomic_resolution', 'int32'], ['quantum_conversion_exponent', 'int32']], subticksToPrice],
  adjusted_initial_margin_ppm: [[['initial_margin_ppm', 'uint32'], ['open_interest_lower_cap', 'uint64'], ['open_interest_upper_cap', 'uint64'], ['open_interest_notional', 'integer']], adjustedImf],
  initial_margin_quote_quantums: [[['notional_quote_quantums', 'integer'], ['initial_margin_ppm', 'uint32'], ['open_interest_lower_cap', 'uint64'], ['open_interest_upper_cap', 'uint64'], ['open_interest_notional', 'integer']], initialMargin],
  maintenance_margin_ppm: [[['initial_margin_ppm', 'uint32'], ['maintenance_fraction_ppm', 'uint32']], maintenanceMarginPpm],
  perpetual_margin_requirements: [[['position_quantums', 'integer'], ['atomic_resolution', 'int32'], ['price_value', 'uint64'], ['price_exponent', 'int32'], ['initial_margin_ppm', 'uint32'], ['maintenance_fraction_ppm', 'uint32'], ['open_interest_base_quantums', 'integer'], ['open_interest_lower_cap', 'uint64'], ['open_interest_upper_cap', 'uint64']], marginRequirements],
  position_net_notional_quote_quantums: [[['position_quantums', 'integer'], ['atomic_resolution', 'int32'], ['price_value', 'uint64'], ['price_exponent', 'int32']], baseToQuote],
  is_liquidatable: [[['net_collateral', 'integer'], ['maintenance_margin_requirement', 'integer']], (nc, mmr) => mmr > 0n && nc < mmr],
  risk_compare: [[['first_nc', 'integer'], ['first_mmr', 'integer'], ['second_nc', 'integer'], ['second_mmr', 'integer']], riskCompare],
  median_round_half_away_from_zero: [[['values', 'values']], median],
  min_price_change_amount: [[['current_price', 'uint64'], ['min_price_change_ppm', 'uint32']], minPriceChange],
  funding_settlement_ppm: [[['perpetual_funding_index', 'integer'], ['position_funding_index', 'integer'], ['position_quantums', 'integer']], fundingSettlement],
  liquidatable_position_size_delta: [[['position_quantums', 'integer'], ['atomic_resolution', 'int32'], ['price_value', 'uint64'], ['price_exponent', 'int32'], ['step_base_quantums', 'uint64'], ['min_position_notional_liquidated', 'uint64'], ['max_position_portion_liquidated_ppm', 'uint32'], ['subaccount_max_notional_liquidated', 'uint64'], ['subaccount_notional_liquidated', 'uint64']], liquidatableSize],
  position_notional_liquidatable_bounds: [[['position_quantums', 'integer'], ['atomic_resolution', 'int32'], ['price_value', 'uint64'], ['price_exponent', 'int32'], ['min_position_notional_liquidated', 'uint64'], ['max_position_portion_liquidated_ppm', 'uint32']], (q, ar, p, pe, minimum, ppm) => {
    if (q * p !== 0n && quoteExponent(ar, pe) > MAX_POWER) fail('LIMIT_EXCEEDED', 'the quote exponent is beyond the limit');
    const [low, high] = notionalBounds(abs(baseToQuote(q, ar, p, pe)), minimum, ppm);
    return { min_position_notional_liquidatable: low, max_position_notional_liquidatable: high };
  }],
  subaccount_max_notional_liquidatable: [[['max_notional_liquidated', 'uint64'], ['previous_notional_liquidated', 'uint64'], ['perpetual_already_liquidated', BOOLEAN]], (l, s, a) => blockLimitLeft(l, s, a, 'LIQUIDATION_EXCEEDS_SUBACCOUNT_MAX_NOTIONAL_LIQUIDATED')],
  subaccount_max_insurance_lost: [[['max_quantums_insurance_lost', 'uint64'], ['previous_insurance_fund_delta', 'integer'], ['perpetual_already_liquidated', BOOLEAN]], (l, delta, a) => {
    const lost = delta < 0n ? -delta : 0n;   // LIQ-4: only negative deltas count, as |delta|
    if (lost > UINT64_MAX) fail('OUT_OF_RANGE', 'the insurance lost does not fit a uint64');
    return blockLimitLeft(l, lost, a, 'LIQUIDATION_EXCEEDS_SUBACCOUNT_MAX_INSURANCE_LOST');
  }],
  is_valid_insurance_fund_delta: [[['insurance_fund_balance', 'integer'], ['insurance_fund_delta', 'integer']], (balance, delta) => delta >= 0n || balance + delta >= 0n],
  can_deleverage_subaccount: [[['usdc_balance_quote_quantums', 'integer'], ['perpetual_positions', listOf(POSITION)], ['atomic_resolution', 'int32'], ['price_value', 'uint64'], ['price_exponent', 'int32'], ['clob_pair_status', STATUS]], canDeleverage],
  is_valid_state_transition_for_undercollateralized_subaccount: [[['old_nc', 'integer'], ['old_imr', 'integer'], ['old_mmr', 'integer'], ['new_nc', 'integer'], ['new_mmr', 'integer']], undercollateralized],
  bankruptcy_price_quote_quantums: [[...RISK_STATE, ['delta_quantums', 'integer']], (perps, usdc, positions, id, delta) => bankruptcy(riskState(perps, usdc, positions), id, delta)],
  liquidation_fillable_price: [[...RISK_STATE, ['delta_quantums', 'integer'], ['bankruptcy_adjustment_ppm', 'uint32'], ['spread_to_maintenance_margin_ratio_ppm', 'uint32']], (perps, usdc, positions, id, delta, ba, smmr) => fillablePrice(riskState(perps, usdc, positions), id, delta, ba, smmr)],
  fillable_price_to_subticks: [[['fillable_price', RATIONAL], ['is_liquidating_long', BOOLEAN], ['subticks_per_tick', 'uint32'], ['quantum_conversion_exponent', 'int32']], fillableToSubticks],
  liquidation_insurance_fund_delta: [[...RISK_STATE, ['is_buy', BOOLEAN], ['fill_amount', 'uint64'], ['subticks', 'uint64'], ['quantum_conversion_exponent', 'int32'], ['max_liquidation_fee_ppm', 'uint32']], (perps, usdc, positions, id, ...rest) => insuranceFundDelta(riskState(perps, usdc, positions), id, ...rest)],
  process_deleveraging: [[['perpetuals', listOf(PERPETUAL)], ['liquidated', DELEVERAGING_ACCOUNT], ['offsetting', DELEVERAGING_ACCOUNT], ['perpetual_id', 'uint32'], ['delta_quantums', 'integer'], ['is_final_settlement', BOOLEAN]], processDeleveraging],
  premium_sample_from_votes: [[['votes', 'int32[]'], ['num_votes', 'uint32'], ['min_num_votes_per_sample', 'uint32']], premiumSample],
  remove_sample_tails: [[['samples', 'int32[]'], ['tail_removal_rate_ppm', 'uint32']], removeSampleTails],
  funding_tick: [[['samples', 'int32[]'], ['num_sample_epochs', 'uint32'], ['funding_sample_duration_s', 'uint32'], ['funding_tick_duration_s', 'uint32'], ['removed_tail_sample_ratio_ppm', 'uint32'], ['default_funding_ppm', 'int32'], ['initial_margin_ppm', 'uint32'], ['maintenance_fraction_ppm', 'uint32'], ['funding_rate_clamp_factor_ppm', 'uint32'], ['atomic_resolution', 'int32'], ['price_value', 'uint64'], ['price_exponent', 'int32']], fundingTick],
  funding_index_delta: [[['atomic_resolution', 'int32'], ['price_exponent', 'int32'], ['price_value', 'uint64'], ['funding_rate_8hr_ppm', 'integer'], ['time_since_last_funding_s', 'uint32']], fundingIndexDelta],
  max_abs_funding_clamp_ppm: [[['clamp_factor_ppm', 'uint32'], ['initial_margin_ppm', 'uint32'], ['maintenance_fraction_ppm', 'uint32']], fundingClamp],
  max_allowed_price_delta: [[['old_delta', 'uint64'], ['tick_size_ppm', 'integer']], maxAllowedDelta],
  price_update_sqrt_condition: [[['new_delta', 'uint64'], ['old_delta', 'uint64'], ['tick_size_ppm', 'integer']], sqrtCondition],
  price_delta_within_one_tick: [[['price_delta', 'uint64'], ['tick_size_ppm', 'integer']], withinOneTick],
  price_premium_ppm: [[['index_price_value', 'uint64'], ['index_price_exponent', 'int32'], ['base_atomic_resolution', 'int32'], ['quote_atomic_resolution', 'int32'], ['quantum_conversion_exponent', 'int32'], ['impact_notional_quote_quantums', 'uint64'], ['max_abs_premium_vote_ppm', 'int32'], ['bids', 'book'], ['asks', 'book']], pricePremium],
};

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof JsonNumber);



// A list, possibly empty, of at most MAX_LIST_LENGTH items, each read by `item` (CAT-2, CAT-4).
function readList(value, name, item) {
  if (!Array.isArray(value)) fail('INVALID_TYPE', `${name}: expected a list, got ${describe(value)}`);
  if (value.length > MAX_LIST_LENGTH) fail('OUT_OF_RANGE', `${name}: more than ${MAX_LIST_LENGTH} values`);
  return value.map((v, k) => item(v, `${name}[${k}]`));
}

// An object of exactly the named fields (CAT-2, CAT-5): missing in order, then unknown sorted.
function readObject(value, name, fields) {
  if (!isObject(value)) fail('INVALID_TYPE', `${name}: expected a JSON object, got ${describe(value)}`);
  const names = fields.map(([field]) => field);
  const missing = names.find((field) => !Object.prototype.hasOwnProperty.call(value, field));
  if (missing !== undefined) fail('MISSING_INPUT', `${name}: missing field ${missing}`);
  const extra = Object.keys(value).filter((field) => !names.includes(field)).sort();
  if (extra.length) fail('UNEXPECTED_INPUT', `${name}: unknown field ${extra[0]}`);
  const out = {};
  for (const [field, type] of fields) out[field] = readInteger(value[field], `${name}.${field}`, type);
  return out;
}

// The string-named input types: integer types, the median's values, vote lists and book sides
function readInput(value, name, type) {
  if (type === 'values') return readMedianValues(value, name);
  if (type === 'int32[]') return readList(value, name, (v, where) => readInteger(v, where, 'int32'));
  if (type === 'book') return readList(value, name, (v, where) => readObject(v, where, [['subticks', 'uint64'], ['quantums', 'uint64']]));
  return readInteger(value, name, type);
}

// One catalogue request (CAT-1, CAT-2, CAT-5): the output, or a CatalogueError.
function evaluate(functionName, inputs, hasInputs) {
  if (typeof functionName !== 'string' || !hasInputs) fail('MALFORMED_REQUEST', 'a request is {"function": NAME, "inputs": {...}}');
  if (!Object.prototype.hasOwnProperty.call(CATALOGUE, functionName)) fail('UNKNOWN_FUNCTION', `no catalogue function is named ${functionName}`);
  if (!isObject(inputs)) fail('MALFORMED_REQUEST', '"inputs" must be a JSON object');
  const [declared, compute] = CATALOGUE[functionName];
  const names = declared.map(([name]) => name);
  const missing = names.find((name) => !Object.prototype.hasOwnProperty.call(inputs, name));
  if (missing !== undefined) fail('MISSING_INPUT', `missing input ${missing}`);
  const extra = Object.keys(inputs).filter((name) => !names.includes(name)).sort();
  if (extra.length) fail('UNEXPECTED_INPUT', `unexpected input ${extra[0]}`);
  const values = declared.map(([name, type]) => readValue(inputs[name], name, type));
  return compute(...values);
}

// ---------------------------------------------------------------------------------------
// The adapter protocol (conformance/ADAPTER.md)
// ---------------------------------------------------------------------------------------

const errorOf = (code, message) => ({ error: { code, message: message || code } });

function handle(request) {
  switch (request.op) {
    case 'hello':
      return { name: 'perpspec node catalogue', version: '1', format: FORMAT, ops: ['eval', 'hello'] };
    case 'eval':
      try {
        return { output: evaluate(request.function, request.inputs, Object.prototype.hasOwnProperty.call(request, 'inputs')) };
      } catch (e) {
        if (e instanceof CatalogueError) return errorOf(e.code, e.message);
        if (e instanceof RangeError) return errorOf('LIMIT_EXCEEDED', e.message);   // BigInt too large
        return errorOf('INTERNAL_ERROR', String(e && e.message));
      }
    default:
      return errorOf('UNSUPPORTED_OP', `op ${request.op} is not implemented by this adapter`);
  }
}

function answer(line) {
  let request;
  try {
    request = parseJson(line);
  } catch (e) {
    return { id: null, ...errorOf('MALFORMED_JSON', e.message) };
  }
  if (!isObject(request)) return { id: null, ...errorOf('MALFORMED_REQUEST', 'a request is a JSON object') };
  let id = request.id === undefined ? null : request.id;
  if (id instanceof JsonNumber) id = id.integral ? BigInt(id.text) : null;
  if (typeof request.op !== 'string') return { id, ...errorOf('MALFORMED_REQUEST', 'a request has a string "op"') };
  return { id, ...handle(request) };
}

// Lines (JSON-1): bytes in, one line per LF (CR is white space, never a line end), each line
// decoded as UTF-8 by itself and strictly (no replacement character, the BOM kept), lines of
// space, tab and CR skipped, every other line answered once, as soon as it is complete.

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const isJsonWhiteSpace = (bytes) => bytes.every((b) => b === 0x20 || b === 0x09 || b === 0x0d);

function answerLine(bytes) {
  if (isJsonWhiteSpace(bytes)) return;
  let text;
  try {
    text = utf8.decode(bytes);
  } catch (e) {
    process.stdout.write(writeJson({ id: null, ...errorOf('MALFORMED_JSON', 'the line is not UTF-8') }) + '\n');
    return;
  }
  process.stdout.write(writeJson(answer(text)) + '\n');
}

let pending = [];
process.stdin.on('data', (chunk) => {
  let start = 0;
  for (let end = chunk.indexOf(0x0a); end !== -1; end = chunk.indexOf(0x0a, start)) {
    pending.push(chunk.subarray(start, end));
    answerLine(Buffer.concat(pending));
    pending = [];
    start = end + 1;
  }
  if (start < chunk.length) pending.push(Buffer.from(chunk.subarray(start)));
});
process.stdin.on('end', () => {
  if (pending.length) answerLine(Buffer.concat(pending));
});
