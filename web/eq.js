// web/eq.js — md-eq-panel: an EQ insert's response as the server computes it with
// the engine's own filter design (the `curve` message, kind "eq": [[Hz, dB], …]),
// drawn in SVG on a log-frequency axis with a grid, and a node per band: drag it
// to move the band's freq (x) and gain_db (y, when its type has a gain); the wheel
// or a Shift-drag changes its q; a double-click puts its gain back to its default. A drag (or a burst of wheel steps) is one gesture:
// its `set` messages carry one gesture id, closed by `end` — one undo step.
// The nodes are for the pointer; the keyboard reaches every band through its
// sliders (insert.js), which this panel follows through controls.js's store.
// Main thread only.

import { onValue, valueOf, applyValue, newGesture, scaleOf, clean } from './controls.js';
import { roundTo, clamp } from './scale.js';

const SVG = 'http://www.w3.org/2000/svg';
const W = 320, H = 150;                            // the viewBox
const PLOT = { left: 26, right: W - 4, top: 6, bottom: H - 16 };
const LOW_HZ = 10;                                 // the server's curve starts here
const DEFAULT_HIGH_HZ = 22800;                     // 0.95 × Nyquist at 48 kHz, until a curve says
const GRID_HZ = [20, 30, 40, 50, 60, 70, 80, 90, 100, 200, 300, 400, 500, 600, 700, 800, 900,
  1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000, 20000];
const LABEL_HZ = { 100: '100', 1000: '1k', 10000: '10k' };
const Q_PX_PER_OCTAVE = 40;                         // Shift-drag: this many px up doubles q
const WHEEL_BURST_MS = 400;                         // wheel steps closer than this: one gesture
/** Band types whose gain_db is heard (the others' node sits on the curve). */
const GAIN_TYPES = new Set(['lowshelf', 'highshelf', 'bell']);

function svg(name, attrs = {}, parent = null) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (parent) parent.append(el);
  return el;
}

/** The EQ panel of one insert: `new MdEqPanel(insert, send)`; setCurve(message). */
export class MdEqPanel extends HTMLElement {
  constructor(insert, send) {
    super();
    this.insert = insert;
    this.send = send;
    this.points = null;          // the last curve: [[Hz, dB], …]
    this.highHz = DEFAULT_HIGH_HZ;
    this.rangeDb = 24;
    this.drag = null;            // {band, gesture, sent, …} while a node is dragged
    this.wheel = null;           // {band, gesture, timer} while the wheel turns
    this.unsubscribe = [];
    this.bands = bandsOf(insert);
    this.build();
  }

  build() {
    this.className = 'md-eq-panel';
    this.setAttribute('aria-hidden', 'true'); // a picture: the band sliders carry the values
    this.svg = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'eq-graph' });
    this.grid = svg('g', { class: 'grid' }, this.svg);
    this.path = svg('path', { class: 'curve', d: '' }, this.svg);
    this.nodes = svg('g', { class: 'nodes' }, this.svg);
    for (const b of this.bands) {
      b.node = svg('g', { class: 'node', 'data-band': b.index }, this.nodes);
      b.halo = svg('circle', { class: 'halo', r: 9 }, b.node);
      b.dot = svg('circle', { class: 'dot', r: 5 }, b.node);
      b.label = svg('text', { class: 'node-label', 'text-anchor': 'middle', dy: '-8' }, b.node);
      b.label.textContent = String(b.index);
      b.node.onpointerdown = (e) => this.onPointerDown(e, b);
      b.node.onwheel = (e) => this.onWheel(e, b);
      b.node.ondblclick = (e) => this.resetGain(e, b);
    }
    this.append(this.svg);
    this.drawGrid();
    this.placeNodes();
  }

  connectedCallback() {
    if (this.unsubscribe.length) return;
    for (const b of this.bands) {
      for (const f of [b.freq, b.gain, b.q, b.type]) {
        if (f) this.unsubscribe.push(onValue(f.address, () => { if (!this.drag) this.placeNodes(); }));
      }
    }
    this.placeNodes();
  }

  disconnectedCallback() {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    this.endWheel();
  }

  // ------------------------------------------------------------ axes

  xOf(hz) {
    const p = (Math.log(Math.max(hz, 1e-3)) - Math.log(LOW_HZ)) / (Math.log(this.highHz) - Math.log(LOW_HZ));
    return PLOT.left + clamp(p, 0, 1) * (PLOT.right - PLOT.left);
  }
  hzOf(x) {
    const p = (x - PLOT.left) / (PLOT.right - PLOT.left);
    return Math.exp(Math.log(LOW_HZ) + p * (Math.log(this.highHz) - Math.log(LOW_HZ)));
  }
  yOf(db) {
    const p = (this.rangeDb - clamp(db, -this.rangeDb, this.rangeDb)) / (2 * this.rangeDb);
    return PLOT.top + p * (PLOT.bottom - PLOT.top);
  }
  dbOf(y) { return this.rangeDb - 2 * this.rangeDb * (y - PLOT.top) / (PLOT.bottom - PLOT.top); }

  /** The dB range shown: ±24, or ±36 once a band's gain (or the curve's bump) passes 21 dB. */
  fitRange() {
    let most = 0;
    for (const b of this.bands) if (b.gain && hasGain(b)) most = Math.max(most, Math.abs(val(b.gain)));
    if (this.points) for (const [, db] of this.points) if (db > 0) most = Math.max(most, db);
    const range = most > 21 ? 36 : 24;
    if (range !== this.rangeDb) { this.rangeDb = range; this.drawGrid(); }
  }

  drawGrid() {
    this.grid.replaceChildren();
    svg('rect', { class: 'plot', x: PLOT.left, y: PLOT.top, width: PLOT.right - PLOT.left, height: PLOT.bottom - PLOT.top }, this.grid);
    for (const hz of GRID_HZ) {
      if (hz >= this.highHz) continue;
      const x = this.xOf(hz);
      const major = !!LABEL_HZ[hz];
      svg('line', { class: major ? 'major' : 'minor', x1: x, x2: x, y1: PLOT.top, y2: PLOT.bottom }, this.grid);
      if (major) svg('text', { class: 'axis', x, y: H - 4, 'text-anchor': 'middle' }, this.grid).textContent = LABEL_HZ[hz];
    }
    const step = this.rangeDb > 24 ? 12 : 6;
    for (let db = -this.rangeDb; db <= this.rangeDb; db += step) {
      const y = this.yOf(db);
      svg('line', { class: db === 0 ? 'zero' : 'minor', x1: PLOT.left, x2: PLOT.right, y1: y, y2: y }, this.grid);
      if (db % 12 === 0) {
        svg('text', { class: 'axis', x: PLOT.left - 3, y: y + 3, 'text-anchor': 'end' }, this.grid)
          .textContent = db > 0 ? `+${db}` : String(db).replace('-', '\u2212');
      }
    }
  }

  // ------------------------------------------------------------ the curve and the nodes

  /** A `curve` message (kind "eq"): draw it. */
  setCurve(message) {
    if (!message || message.kind !== 'eq' || !Array.isArray(message.points) || !message.points.length) return;
    this.points = message.points;
    const last = message.points[message.points.length - 1][0];
    if (!this.drag && last > LOW_HZ * 10 && Math.abs(last - this.highHz) > 1) { this.highHz = last; this.drawGrid(); }
    if (!this.drag) this.fitRange();
    this.drawCurve();
    if (!this.drag) this.placeNodes();
  }

  drawCurve() {
    if (!this.points) return;
    let d = '';
    for (const [hz, db] of this.points) {
      if (hz < LOW_HZ || hz > this.highHz * 1.001) continue;
      d += `${d ? 'L' : 'M'}${this.xOf(hz).toFixed(1)},${this.yOf(db).toFixed(1)}`;
    }
    this.path.setAttribute('d', d);
    this.classList.add('has-curve');
  }

  /** The curve's dB at `hz` (linear between its points on the log axis), 0 before a curve. */
  curveAt(hz) {
    const pts = this.points;
    if (!pts || !pts.length) return 0;
    if (hz <= pts[0][0]) return pts[0][1];
    for (let i = 1; i < pts.length; i++) {
      if (hz <= pts[i][0]) {
        const [h0, d0] = pts[i - 1], [h1, d1] = pts[i];
        const t = (Math.log(hz) - Math.log(h0)) / (Math.log(h1) - Math.log(h0));
        return d0 + t * (d1 - d0);
      }
    }
    return pts[pts.length - 1][1];
  }

  placeNodes() {
    for (const b of this.bands) {
      if (!b.freq) { b.node.classList.add('absent'); continue; }
      const hz = val(b.freq);
      const gain = hasGain(b);
      const db = gain ? val(b.gain) : this.curveAt(hz);
      this.placeNode(b, hz, db);
      b.node.classList.toggle('no-gain', !gain);
    }
  }

  placeNode(b, hz, db) {
    b.node.setAttribute('transform', `translate(${this.xOf(hz).toFixed(1)},${this.yOf(db).toFixed(1)})`);
    // the halo's size says the width: a wider band (lower q) draws a larger halo
    const q = b.q ? val(b.q) : 1;
    b.halo.setAttribute('r', (6 + 10 / Math.sqrt(Math.max(q, 0.1))).toFixed(1));
  }

  // ------------------------------------------------------------ moving a band

  /** Point (in viewBox units) of a pointer event. */
  pointOf(e) {
    const m = this.svg.getScreenCTM();
    if (!m) return { x: 0, y: 0 };
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse());
    return { x: p.x, y: p.y };
  }

  onPointerDown(e, b) {
    if (e.button !== 0 || !b.freq) return;
    e.preventDefault();
    e.stopPropagation();
    this.endWheel();
    const start = this.pointOf(e);
    const hz0 = val(b.freq);
    const db0 = hasGain(b) ? val(b.gain) : this.curveAt(hz0);
    this.drag = {
      band: b, gesture: newGesture(), sent: false,
      // where the pointer grabbed the node, so the node does not jump under it
      dx: this.xOf(hz0) - start.x, dy: this.yOf(db0) - start.y,
      lastY: start.y, q: b.q ? val(b.q) : null, hz: hz0, db: db0,
    };
    b.node.classList.add('active');
    this.selectBand(b);
    const target = b.node;
    target.setPointerCapture(e.pointerId);
    target.onpointermove = (ev) => this.onPointerMove(ev);
    target.onpointerup = target.onpointercancel = () => this.endDrag();
  }

  onPointerMove(e) {
    const d = this.drag;
    if (!d) return;
    const p = this.pointOf(e);
    const b = d.band;
    if (e.shiftKey && b.q && !b.q.fixed) {
      // Shift: up narrows (q up), down widens; freq and gain stay
      d.q = d.q * Math.pow(2, (d.lastY - p.y) / Q_PX_PER_OCTAVE);
      d.q = this.moveField(b.q, d.q, d.gesture);
      d.dy = this.yOf(d.db) - p.y;
      d.dx = this.xOf(d.hz) - p.x;
    } else {
      d.hz = this.moveField(b.freq, this.hzOf(p.x + d.dx), d.gesture);
      if (hasGain(b) && b.gain && !b.gain.fixed) d.db = this.moveField(b.gain, this.dbOf(p.y + d.dy), d.gesture);
      else d.db = this.curveAt(d.hz);
    }
    d.lastY = p.y;
    this.placeNode(b, d.hz, d.db);
    if (d.q !== null) b.halo.setAttribute('r', (6 + 10 / Math.sqrt(Math.max(d.q, 0.1))).toFixed(1));
  }

  endDrag() {
    const d = this.drag;
    if (!d) return;
    const n = d.band.node;
    n.onpointermove = n.onpointerup = n.onpointercancel = null;
    n.classList.remove('active');
    this.drag = null;
    if (d.sent) this.send('end', { gesture: d.gesture });
    this.fitRange();
    this.drawCurve();
    this.placeNodes();
  }

  /** Double-click on a node: its gain back to the default (one step of its own). */
  resetGain(e, b) {
    e.preventDefault();
    if (!b.gain || b.gain.fixed || !hasGain(b)) return;
    this.moveField(b.gain, b.gain.default, null, null);
    this.placeNodes();
  }

  onWheel(e, b) {
    if (!b.q || b.q.fixed) return;
    e.preventDefault();
    e.stopPropagation();
    if (this.drag) return;
    if (this.wheel && this.wheel.band !== b) this.endWheel();
    if (!this.wheel) this.wheel = { band: b, gesture: newGesture(), sent: false, timer: 0 };
    const w = this.wheel;
    const scale = scaleOf(b.q);
    const q = scale.keyStep(val(b.q), e.deltaY < 0 ? 1 : -1, false, e.shiftKey);
    this.moveField(b.q, q, w.gesture, w);
    this.selectBand(b);
    this.placeNodes();
    clearTimeout(w.timer);
    w.timer = setTimeout(() => this.endWheel(), WHEEL_BURST_MS);
  }

  endWheel() {
    const w = this.wheel;
    if (!w) return;
    clearTimeout(w.timer);
    this.wheel = null;
    if (w.sent) this.send('end', { gesture: w.gesture });
  }

  /** Send `v` (clamped and rounded as its slider would) for field `param` as part of
      `gesture`; every view of it on this page follows. Returns the value sent. */
  moveField(param, v, gesture, holder = this.drag) {
    const scale = scaleOf(param);
    v = clamp(v, param.min, param.max);
    if (v !== param.min && v !== param.max) v = clamp(roundTo(v, scale.quantum(false, v)), param.min, param.max);
    v = clean(v);
    if (v === valueOf(param.address)) return v;
    this.send('set', gesture ? { address: param.address, value: v, gesture } : { address: param.address, value: v });
    if (holder) holder.sent = true;
    if (param.automated) {
      // a move replaces the envelope: its controls stop saying "automated"
      param.automated = false;
      for (const c of document.querySelectorAll(`[data-address="${CSS.escape(param.address)}"]`)) c.setAutomated?.(false);
    }
    applyValue(param.address, v, true); // the band's sliders show it (a local move, nothing sent again)
    this.dispatchEvent(new CustomEvent('md-change', { bubbles: true, detail: { address: param.address, value: v } }));
    return v;
  }

  /** Mark band `b` (and its sub-group of sliders) as the one being moved. */
  selectBand(b) {
    for (const o of this.bands) o.node.classList.toggle('selected', o === b);
    const insert = this.closest('md-insert');
    if (!insert) return;
    for (const item of insert.querySelectorAll('.list-item')) {
      item.classList.toggle('selected', item.dataset.index === String(b.index));
    }
  }
}

/** The bands of an EQ insert: [{index, type, freq, gain, q, slope}] of its list param's items. */
function bandsOf(insert) {
  const list = (insert.params || []).find((p) => p.kind === 'list');
  if (!list) return [];
  return (list.items || []).map((fields, k) => {
    const by = new Map(fields.map((f) => [f.name, f]));
    return {
      index: k + 1, type: by.get('type'), freq: by.get('freq'), gain: by.get('gain_db'),
      q: by.get('q'), slope: by.get('slope'),
    };
  });
}

/** The current value of a PARAM (the store's, or the state's). */
function val(p) {
  const v = valueOf(p.address);
  return typeof v === 'number' ? v : p.value;
}

/** Whether band `b`'s type has a gain (a bell or a shelf). */
function hasGain(b) {
  if (!b.gain) return false;
  if (!b.type) return true;
  const name = (b.type.choices || [])[Math.round(val(b.type))];
  return name === undefined ? true : GAIN_TYPES.has(name);
}

customElements.define('md-eq-panel', MdEqPanel);
