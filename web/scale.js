// web/scale.js — numbers of the console's controls: how a parameter's value is shown
// (formatValue, with its unit), read back from what a user typed (parseTyped), mapped
// to a position 0…1 and stepped by keys (scaleOf: a fader's taper for gains reaching
// −∞, log for Hz and wide positive ranges, linear otherwise), and rounded for the wire
// (clean, roundTo). Pure functions; any thread.

// ---------------------------------------------------------------- numbers

export const MINUS = '\u2212';

/** `v` without float noise (−6.000000000001 → −6), for the wire and aria-valuenow. */
export function clean(v) {
  if (!Number.isFinite(v)) return v;
  return Number(v.toPrecision(10));
}

export function decimalsOf(step) {
  if (step >= 1) return 0;
  return Math.min(6, Math.ceil(-Math.log10(step) - 1e-9));
}

export function roundTo(v, quantum) {
  return Number((Math.round(v / quantum) * quantum).toFixed(decimalsOf(quantum)));
}

/** A "nice" step (1, 2 or 5 × 10^n) near `x`. */
export function niceStep(x) {
  const e = Math.pow(10, Math.floor(Math.log10(x)));
  const m = x / e;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * e;
}

export function isDb(p) { return p.unit === 'dB' || p.unit === 'dBFS'; }

/** Text of `v` in the parameter's unit, as shown and as aria-valuetext. */
export function formatValue(param, v) {
  if (!Number.isFinite(v)) return String(v);
  const sign = (x, s) => (x < 0 ? MINUS + s.replace('-', '') : s);
  const u = param.unit || '';
  if (param.name === 'pan' && !u && param.min === -1 && param.max === 1) {
    const a = Math.abs(v);
    return a < 0.005 ? 'C' : `${v < 0 ? 'L' : 'R'} ${Math.round(a * 100)}`;
  }
  if (isDb(param)) {
    if (param.min <= -100 && v <= param.min) return `${MINUS}\u221e ${u}`;
    return sign(v, v.toFixed(1)) + ' ' + u;
  }
  if (u === 'Hz') {
    if (Math.abs(v) >= 1000) return sign(v, (v / 1000).toFixed(Math.abs(v) >= 10000 ? 1 : 2)) + ' kHz';
    return sign(v, v.toFixed(Math.abs(v) < 100 ? 1 : 0)) + ' Hz';
  }
  if (u === 'ms' || u === 's') {
    const a = Math.abs(v);
    return sign(v, v.toFixed(a < 10 ? 2 : a < 100 ? 1 : 0)) + ' ' + u;
  }
  const range = Math.abs(param.max - param.min);
  const d = range <= 2 ? 2 : range <= 20 ? (Math.abs(v) < 10 ? 2 : 1) : Math.abs(v) < 10 ? 2 : Math.abs(v) < 100 ? 1 : 0;
  return sign(v, v.toFixed(d)) + (u ? ' ' + u : '');
}

/** The number a user typed, in the parameter's unit (NaN if none); "-inf" is the minimum. */
export function parseTyped(param, text) {
  let t = String(text).trim().toLowerCase().replace(/\u2212/g, '-').replace(/,/g, '.');
  if (/^-?\s*(inf|infinity|\u221e)/.test(t)) return t.startsWith('-') ? param.min : param.max;
  let scale = 1;
  const m = /^([-+]?\d*\.?\d+(?:e[-+]?\d+)?)\s*([a-z%]*)$/.exec(t);
  if (!m) return NaN;
  const unit = m[2];
  if (unit === 'k' || unit === 'khz') scale = 1000;
  else if (param.unit === 's' && unit === 'ms') scale = 0.001;
  else if (param.unit === 'ms' && unit === 's') scale = 1000;
  else if (unit && unit !== (param.unit || '').toLowerCase() && unit !== 'db' && unit !== 'hz') return NaN;
  return Number(m[1]) * scale;
}

// ---------------------------------------------------------------- scales

// A fader's taper: position (0 bottom … 1 top) of dB values, linear between knots,
// so that the useful range (−40…+6 dB) gets most of the travel.
const FADER_KNOTS = [[-144, 0], [-60, 0.06], [-40, 0.18], [-30, 0.28], [-20, 0.42], [-10, 0.6], [0, 0.78], [6, 0.87], [12, 0.93], [24, 1]];

function interpolate(knots, x, from, to) {
  if (x <= knots[0][from]) return knots[0][to];
  for (let i = 1; i < knots.length; i++) {
    const a = knots[i - 1], b = knots[i];
    if (x <= b[from]) return a[to] + (b[to] - a[to]) * (x - a[from]) / (b[from] - a[from]);
  }
  return knots[knots.length - 1][to];
}

/** How a parameter maps to a position 0…1 and how keys step it.
    kind: 'fader' (a gain in dB reaching −∞), 'log' (Hz and wide positive ranges), 'linear'. */
export function scaleOf(param) {
  const { min, max } = param;
  const range = max - min;
  if (isDb(param) && min <= -100) {
    const knots = FADER_KNOTS.filter(([db]) => db > min && db < max);
    knots.unshift([min, 0]);
    knots.push([max, 1]);
    // Spread the positions again over the knots kept (a table's own range).
    const lo = interpolate(FADER_KNOTS, min, 0, 1), hi = interpolate(FADER_KNOTS, max, 0, 1);
    const k = knots.map(([db], i) => [db, i === 0 ? 0 : i === knots.length - 1 ? 1 : (interpolate(FADER_KNOTS, db, 0, 1) - lo) / (hi - lo)]);
    return {
      kind: 'fader',
      toPos: (v) => interpolate(k, v, 0, 1),
      fromPos: (p) => interpolate(k, p, 1, 0),
      keyStep: (v, dir, big, fine) => v + dir * (big ? 6 : fine ? 0.1 : 1),
      quantum: (fine) => (fine ? 0.01 : 0.1),
    };
  }
  const wide = min >= 0 && max / Math.max(min, 1e-9) >= 100;
  if (param.unit === 'Hz' || (wide && (param.unit === 'ms' || param.unit === 's' || param.unit === ''))) {
    // log: positive minimum → true log; a minimum of 0 ("off") → log above a floor
    const floor = min > 0 ? min : param.unit === 'Hz' ? Math.min(10, max / 10) : Math.max(max / 1000, 1e-6);
    const lo = Math.log(min > 0 ? min : floor), hi = Math.log(max);
    const toPos = (v) => (v <= floor ? (min > 0 ? 0 : 0.02 * (v - min) / (floor - min)) : (min > 0 ? 0 : 0.02) + (min > 0 ? 1 : 0.98) * (Math.log(v) - lo) / (hi - lo));
    const fromPos = (p) => {
      if (min <= 0 && p <= 0.02) return min + (floor - min) * (p / 0.02);
      const q = min > 0 ? p : (p - 0.02) / 0.98;
      return Math.exp(lo + q * (hi - lo));
    };
    return {
      kind: 'log', toPos, fromPos,
      keyStep: (v, dir, big, fine) => fromPos(toPos(v) + dir * (big ? 0.1 : fine ? 0.002 : 0.02)),
      quantum: (fine, v) => { const a = Math.max(Math.abs(v), 1e-6); return Math.pow(10, Math.floor(Math.log10(a)) - (fine ? 3 : 2)); },
    };
  }
  const step = isDb(param) ? (range >= 12 ? 1 : niceStep(range / 24)) : niceStep(range / 40);
  return {
    kind: 'linear',
    toPos: (v) => (range > 0 ? (v - min) / range : 0),
    fromPos: (p) => min + p * range,
    keyStep: (v, dir, big, fine) => v + dir * (big ? (isDb(param) ? 6 : niceStep(range / 10)) : fine ? step / 10 : step),
    quantum: (fine) => (fine ? step / 100 : step / 10),
  };
}

export function clamp(v, lo, hi) { return Math.min(hi, Math.max(lo, v)); }
