// web/dynamics.js — a dynamics insert's pictures: md-dynamics-panel draws the static
// curve the server computes from the insert's own gain computer (the `curve`
// message, kind "dynamics": [[input dB, output dB], …]) with the threshold (or a
// limiter's ceiling) marked and a dot on the curve where the live gain reduction
// puts it; md-reduction is a read-out of the `meters` message's
// inserts[ADDRESS].NAME (gain_reduction_db: ≤ 0 dB) as a bar, a figure and a
// role=meter named by the read-out (aria-valuenow in dB); other read-outs
// (auto_makeup_db, pitch_hz, correction_cents) as figures in the unit their
// name ends with. Main thread only.

import { onValue, valueOf } from './controls.js';
import { clamp } from './scale.js';

const SVG = 'http://www.w3.org/2000/svg';
const SIZE = 150;                                   // the viewBox is square
const PLOT = { left: 24, right: SIZE - 4, top: 4, bottom: SIZE - 16 };
const TOP_DB = 6;                                   // the server's curve ends at +6 dB in
const FLOOR_DB = -60;                               // the axes start here unless the threshold is lower
const REDUCTION_FULL_DB = 24;                       // the bar's length
const HOLD_MS = 1000;                               // the bar's peak holds this long
const FIGURE_MS = 100;                              // the figure changes at most this often
const MINUS = '\u2212';

function svg(name, attrs = {}, parent = null) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (parent) parent.append(el);
  return el;
}

function dbText(db) {
  const t = Math.abs(db) < 0.05 ? '0.0' : db.toFixed(1);
  return t.startsWith('-') ? MINUS + t.slice(1) : t;
}

/** The static curve of a compressor, gate or limiter: `new MdDynamicsPanel(insert)`. */
export class MdDynamicsPanel extends HTMLElement {
  constructor(insert) {
    super();
    this.insert = insert;
    this.points = null;
    this.reductionDb = 0;
    const params = insert.params || [];
    // what the picture marks: a threshold (a vertical line) or a limiter's ceiling (horizontal)
    this.threshold = params.find((p) => p.name === 'threshold_db') || null;
    this.ceiling = this.threshold ? null : params.find((p) => p.name === 'ceiling_db') || null;
    this.unsubscribe = null;
    this.build();
  }

  build() {
    this.className = 'md-dynamics-panel';
    this.setAttribute('aria-hidden', 'true'); // a picture: the sliders and md-reduction carry the values
    this.svg = svg('svg', { viewBox: `0 0 ${SIZE} ${SIZE}`, class: 'dyn-graph' });
    this.grid = svg('g', { class: 'grid' }, this.svg);
    this.mark = svg('line', { class: 'threshold' }, this.svg);
    this.path = svg('path', { class: 'curve', d: '' }, this.svg);
    this.dot = svg('circle', { class: 'gr-dot', r: 4 }, this.svg);
    this.append(this.svg);
    this.floorDb = FLOOR_DB;
    this.fitAxes();
    this.drawMark();
    this.placeDot();
  }

  connectedCallback() {
    const p = this.threshold || this.ceiling;
    if (p && !this.unsubscribe) this.unsubscribe = onValue(p.address, () => { this.fitAxes(); this.drawMark(); });
  }

  disconnectedCallback() {
    if (this.unsubscribe) { this.unsubscribe(); this.unsubscribe = null; }
  }

  markDb() {
    const p = this.threshold || this.ceiling;
    if (!p) return null;
    const v = valueOf(p.address);
    return typeof v === 'number' ? v : p.value;
  }

  /** Both axes from floorDb to +6 dB: −60 dB, lower (by 12 dB steps) when the threshold is. */
  fitAxes() {
    const mark = this.markDb();
    let floor = FLOOR_DB;
    while (mark !== null && mark - 6 < floor && floor > -96) floor -= 12;
    if (floor !== this.floorDb || !this.grid.firstChild) {
      this.floorDb = floor;
      this.drawGrid();
      this.drawCurve();
    }
  }

  xOf(db) { return PLOT.left + (clamp(db, this.floorDb, TOP_DB) - this.floorDb) / (TOP_DB - this.floorDb) * (PLOT.right - PLOT.left); }
  yOf(db) { return PLOT.bottom - (clamp(db, this.floorDb, TOP_DB) - this.floorDb) / (TOP_DB - this.floorDb) * (PLOT.bottom - PLOT.top); }

  drawGrid() {
    this.grid.replaceChildren();
    svg('rect', { class: 'plot', x: PLOT.left, y: PLOT.top, width: PLOT.right - PLOT.left, height: PLOT.bottom - PLOT.top }, this.grid);
    for (let db = 0; db >= this.floorDb; db -= 12) {
      const x = this.xOf(db), y = this.yOf(db);
      const cls = db === 0 ? 'zero' : 'minor';
      svg('line', { class: cls, x1: x, x2: x, y1: PLOT.top, y2: PLOT.bottom }, this.grid);
      svg('line', { class: cls, x1: PLOT.left, x2: PLOT.right, y1: y, y2: y }, this.grid);
      const label = db === 0 ? '0' : MINUS + String(-db);
      svg('text', { class: 'axis', x, y: SIZE - 4, 'text-anchor': 'middle' }, this.grid).textContent = label;
      svg('text', { class: 'axis', x: PLOT.left - 3, y: y + 3, 'text-anchor': 'end' }, this.grid).textContent = label;
    }
    // unity: output = input
    svg('line', { class: 'unity', x1: this.xOf(this.floorDb), y1: this.yOf(this.floorDb), x2: this.xOf(TOP_DB), y2: this.yOf(TOP_DB) }, this.grid);
  }

  drawMark() {
    const db = this.markDb();
    if (db === null) { this.mark.setAttribute('visibility', 'hidden'); return; }
    this.mark.setAttribute('visibility', 'visible');
    if (this.threshold) {
      const x = this.xOf(db);
      for (const [k, v] of Object.entries({ x1: x, x2: x, y1: PLOT.top, y2: PLOT.bottom })) this.mark.setAttribute(k, v.toFixed(1));
    } else {
      const y = this.yOf(db);
      for (const [k, v] of Object.entries({ x1: PLOT.left, x2: PLOT.right, y1: y, y2: y })) this.mark.setAttribute(k, v.toFixed(1));
    }
    this.dataset.markDb = String(db);
  }

  /** A `curve` message (kind "dynamics"): draw it. */
  setCurve(message) {
    if (!message || message.kind !== 'dynamics' || !Array.isArray(message.points) || !message.points.length) return;
    this.points = message.points;
    this.drawCurve();
    this.placeDot();
  }

  drawCurve() {
    if (!this.points) return;
    let d = '';
    for (const [inDb, outDb] of this.points) {
      if (inDb < this.floorDb - 1e-9) continue;
      d += `${d ? 'L' : 'M'}${this.xOf(inDb).toFixed(1)},${this.yOf(outDb).toFixed(1)}`;
    }
    this.path.setAttribute('d', d);
    this.classList.add('has-curve');
  }

  /** The live gain reduction (dB, ≤ 0; a positive figure is read as its negative). */
  setReduction(db) {
    if (typeof db !== 'number' || Number.isNaN(db)) return;
    this.reductionDb = -Math.abs(db);
    this.placeDot();
  }

  /** The dot sits where the curve's reduction equals the live one: the reduction of a
      point is its gain (out − in) less the curve's largest gain (its makeup). */
  placeDot() {
    const pts = this.points;
    if (!pts || !pts.length || this.reductionDb > -0.05) { this.dot.setAttribute('visibility', 'hidden'); return; }
    let most = -Infinity;
    for (const [i, o] of pts) if (i >= this.floorDb && o > -199) most = Math.max(most, o - i);
    let best = null, bestErr = Infinity;
    for (const [i, o] of pts) {
      if (i < this.floorDb || o <= -199) continue;
      const err = Math.abs(o - i - most - this.reductionDb);
      if (err < bestErr - 1e-9) { best = [i, o]; bestErr = err; }
    }
    if (!best) { this.dot.setAttribute('visibility', 'hidden'); return; }
    this.dot.setAttribute('visibility', 'visible');
    this.dot.setAttribute('cx', this.xOf(best[0]).toFixed(1));
    this.dot.setAttribute('cy', this.yOf(best[1]).toFixed(1));
  }
}

/** A live read-out of an insert (`meters` message: inserts[ADDRESS].NAME), role=meter named NAME.
    A reduction (gain_reduction_db: ≤ 0 dB; a positive figure is read as its negative) is a bar
    growing from 0 dB with a held peak; any other read-out (auto_makeup_db…) a figure. */
export class MdReduction extends HTMLElement {
  constructor(name) {
    super();
    this.name = name || 'gain_reduction_db';
    this.isReduction = /reduction/.test(this.name);
    this.value = 0;
    this.hold = 0;
    this.holdAt = 0;
    this.figureAt = 0;
    this.className = 'md-reduction';
    if (!this.isReduction) this.classList.add('plain');
    this.setAttribute('role', 'meter');
    this.setAttribute('aria-label', this.name);
    // the unit from the read-out's name (gain_reduction_db, auto_makeup_db, pitch_hz, correction_cents)
    const suffix = /_(db|hz|cents|ms)$/.exec(this.name)?.[1];
    this.unit = { db: 'dB', hz: 'Hz', cents: 'cents', ms: 'ms' }[suffix] || '';
    if (this.isReduction) {
      this.setAttribute('aria-valuemin', String(-REDUCTION_FULL_DB));
      this.setAttribute('aria-valuemax', '0');
    }
    this.setAttribute('aria-valuenow', '0');
    this.setAttribute('aria-valuetext', this.withUnit(0));
    this.title = this.isReduction ? `${this.name}: the most reduction in the last block` : this.name;
    const label = document.createElement('span');
    label.className = 'label';
    label.textContent = this.name === 'gain_reduction_db' ? 'GR' : this.name.replace(/_(db|hz|cents|ms)$/, '');
    label.setAttribute('aria-hidden', 'true');
    this.append(label);
    if (this.isReduction) {
      this.bar = document.createElement('div');
      this.bar.className = 'bar';
      this.fill = document.createElement('div');
      this.fill.className = 'fill';
      this.peak = document.createElement('div');
      this.peak.className = 'peak';
      this.bar.append(this.fill, this.peak);
      this.append(this.bar);
    }
    this.figure = document.createElement('span');
    this.figure.className = 'figure';
    this.figure.setAttribute('aria-hidden', 'true');
    this.figure.textContent = '0.0';
    this.append(this.figure);
  }

  /** A value of the meters message (dB). */
  update(db) {
    if (typeof db !== 'number' || Number.isNaN(db)) return;
    const now = performance.now();
    const v = this.isReduction ? -Math.min(Math.abs(db), 200) : db;
    this.value = v;
    if (this.isReduction) {
      if (v <= this.hold || now - this.holdAt > HOLD_MS) { this.hold = v; this.holdAt = now; }
      this.style.setProperty('--gr', String(Math.min(1, -v / REDUCTION_FULL_DB)));
      this.style.setProperty('--gr-hold', String(Math.min(1, -this.hold / REDUCTION_FULL_DB)));
    } else {
      this.hold = v;
    }
    const rounded = String(Math.round(v * 10) / 10 || 0);
    if (this.getAttribute('aria-valuenow') !== rounded) {
      this.setAttribute('aria-valuenow', rounded);
      this.setAttribute('aria-valuetext', this.withUnit(v));
    }
    // the figure changes at most every FIGURE_MS; the last value is shown when they stop
    if (now - this.figureAt >= FIGURE_MS) this.showFigure(now);
    else if (!this.figureTimer) this.figureTimer = setTimeout(() => this.showFigure(performance.now()), FIGURE_MS);
  }

  withUnit(v) { return this.unit ? `${dbText(v)} ${this.unit}` : dbText(v); }

  showFigure(now) {
    clearTimeout(this.figureTimer);
    this.figureTimer = 0;
    this.figureAt = now;
    this.figure.textContent = this.unit && this.unit !== 'dB' ? this.withUnit(this.hold) : dbText(this.hold);
  }
}

customElements.define('md-dynamics-panel', MdDynamicsPanel);
customElements.define('md-reduction', MdReduction);
