// web/meter.js — a strip's level meter (peak and RMS bars, peak hold, clip latch)
// and the master's loudness read-outs (momentary, short-term, integrated, true peak).
//
// The server sends peak and RMS in dBFS since its previous `meters` message (−200 for
// silence); the page holds peaks and latches clips. aria-valuenow follows every meter,
// on screen or not (an attribute no style depends on: cheap); the figures' text and
// the bars are drawn only for meters on screen (one shared animation frame for all),
// and a meter that scrolls into view shows its figures at once. Main thread only.

const FLOOR_DB = -60;       // bottom of the bar
const TOP_DB = 6;           // top of the bar
const HOLD_MS = 2000;       // a peak hold stays this long before it follows the signal
const FALL_DB_PER_S = 24;   // the bars fall no faster than this (the figures do not)
const FALL_FPS = 20;         // redraws a second of a falling bar without new figures
const FIGURE_MS = 100;      // the figures (text) change at most this often
const SCALE_TICKS = [6, 0, -6, -12, -18, -24, -36, -48, -60];
const MINUS = '\u2212';

/** Position 0 (floor) … 1 (top) of a dB value on the bar. */
export function meterPos(db) {
  if (!(db > FLOOR_DB)) return 0;
  return Math.min(1, (db - FLOOR_DB) / (TOP_DB - FLOOR_DB));
}

function dbText(db, digits = 1) {
  if (!(db > -199)) return `${MINUS}\u221e`;
  const t = db.toFixed(digits);
  return db < 0 ? MINUS + t.slice(1) : t;
}

const dirty = new Set();
// Only meters on screen are drawn (128 strips: most are scrolled away).
const seen = new IntersectionObserver((entries) => {
  for (const e of entries) {
    e.target.visible = e.isIntersecting;
    if (e.isIntersecting) { e.target.showFigures(true); schedule(e.target); }
  }
});
let frame = 0;
function schedule(meter) {
  if (!meter.visible) return; // drawn when it scrolls into view
  dirty.add(meter);
  if (!frame) frame = requestAnimationFrame(drawAll);
}
function drawAll(now) {
  frame = 0;
  const list = [...dirty];
  dirty.clear();
  for (const m of list) m.draw(now);
}

/** A strip's meter: a canvas with the bars, a role=meter `peak` (aria-valuenow dBFS) and
    a role=meter `rms`, the held peak as a figure, and a `clip` button that resets the latch. */
export class MdMeter extends HTMLElement {
  constructor() {
    super();
    this.peak = -200; this.rms = -200;          // the last message's figures
    this.barPeak = -200; this.barRms = -200;    // what the bars show (falling slowly)
    this.hold = -200; this.holdAt = 0;
    this.clipped = false;
    this.lastDraw = 0;
    this.built = false;
  }

  connectedCallback() {
    if (!this.built) this.build();
    this.visible = false;
    seen.observe(this);
    this.resizer.observe(this.barEl);
  }

  disconnectedCallback() {
    seen.unobserve(this);
    this.resizer.disconnect();
    dirty.delete(this);
  }

  build() {
    this.built = true;
    this.classList.add('md-meter');
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('aria-hidden', 'true');
    this.peakEl = this.meterElement('peak');
    this.rmsEl = this.meterElement('rms');
    this.rmsEl.classList.add('rms');
    this.clipButton = document.createElement('button');
    this.clipButton.type = 'button';
    this.clipButton.className = 'clip';
    this.clipButton.textContent = 'clip';
    this.clipButton.setAttribute('aria-label', 'clip');
    this.clipButton.setAttribute('aria-pressed', 'false');
    this.clipButton.title = 'Clip latch (a peak at or over 0 dBFS); press to reset it and the peak hold';
    this.clipButton.onclick = () => this.reset();
    const bar = document.createElement('div');
    bar.className = 'bar';
    bar.append(this.canvas);
    this.append(this.clipButton, bar, this.peakEl, this.rmsEl);
    this.barEl = bar;
    this.resizer = new ResizeObserver(() => this.resize());
  }

  meterElement(name) {
    const el = document.createElement('div');
    el.className = 'figure';
    el.setAttribute('role', 'meter');
    el.setAttribute('aria-label', name);
    el.setAttribute('aria-valuemin', '-200');
    el.setAttribute('aria-valuemax', '24');
    el.setAttribute('aria-valuenow', '-200');
    el.setAttribute('aria-valuetext', `${MINUS}\u221e dBFS`);
    el.textContent = `${MINUS}\u221e`;
    el.title = name === 'peak' ? 'Peak (dBFS); the figure is the held peak' : 'RMS (dBFS)';
    return el;
  }

  resize() {
    const r = this.canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.max(1, Math.round(r.width * dpr));
    this.canvas.height = Math.max(1, Math.round(r.height * dpr));
    const g = this.canvas.getContext('2d', { alpha: false });
    const h = this.canvas.height;
    const grad = g.createLinearGradient(0, h, 0, 0);
    grad.addColorStop(0, '#2f9e5a');
    grad.addColorStop(meterPos(-12), '#47c26f');
    grad.addColorStop(meterPos(-6), '#d6c140');
    grad.addColorStop(meterPos(0), '#e0533d');
    this.gradient = grad;
    this.g = g;
    schedule(this);
  }

  /** Clear the clip latch and the peak hold. */
  reset() {
    this.clipped = false;
    this.hold = this.peak;
    this.holdAt = performance.now();
    this.clipButton.setAttribute('aria-pressed', 'false');
    this.clipButton.classList.remove('on');
    this.showFigures(true);
    schedule(this);
  }

  /** One `meters` entry: peak and RMS in dBFS since the last one. */
  update(peakDb, rmsDb) {
    if (!this.built) return;
    const now = performance.now();
    this.peak = peakDb; this.rms = rmsDb;
    if (peakDb >= this.hold || now - this.holdAt > HOLD_MS) { this.hold = peakDb; this.holdAt = now; }
    if (peakDb >= 0 && !this.clipped) {
      this.clipped = true;
      this.clipButton.setAttribute('aria-pressed', 'true');
      this.clipButton.classList.add('on');
    }
    this.showFigures();
    schedule(this);
  }

  showFigures(force = false) {
    const now = performance.now();
    if (!force && now - (this.figuresAt || 0) < FIGURE_MS && this.peak < this.hold) return;
    this.figuresAt = now;
    setFigure(this.peakEl, this.peak, this.visible ? dbText(this.hold) : null);
    setFigure(this.rmsEl, this.rms, this.visible ? dbText(this.rms) : null);
  }

  draw(now) {
    const dt = this.lastDraw ? Math.min(0.5, (now - this.lastDraw) / 1000) : 0;
    this.lastDraw = now;
    const fall = FALL_DB_PER_S * dt;
    this.barPeak = Math.max(this.peak, this.barPeak - fall);
    this.barRms = Math.max(this.rms, this.barRms - fall);
    if (!this.g) return;
    const c = this.canvas, g = this.g;
    const w = c.width, h = c.height;
    g.fillStyle = '#15181c';
    g.fillRect(0, 0, w, h);
    const y = (db) => h - meterPos(db) * h;
    // RMS: a wide dim bar; peak: a narrow bright one over it
    g.globalAlpha = 0.45;
    g.fillStyle = this.gradient;
    g.fillRect(0, y(this.barRms), w, h - y(this.barRms));
    g.globalAlpha = 1;
    const pw = Math.max(2, Math.round(w * 0.45));
    g.fillRect((w - pw) / 2, y(this.barPeak), pw, h - y(this.barPeak));
    // peak hold line
    if (this.hold > FLOOR_DB) {
      g.fillStyle = this.hold >= 0 ? '#ff5a45' : '#e8e8e8';
      g.fillRect(0, Math.round(y(this.hold)), w, Math.max(1, Math.round(h / 200)));
    }
    // scale marks
    g.fillStyle = 'rgba(255,255,255,0.18)';
    for (const t of SCALE_TICKS) g.fillRect(0, Math.round(y(t)), w, 1);
    // keep falling between messages, at most FALL_FPS frames a second
    if (this.barPeak > this.peak || this.barRms > this.rms) setTimeout(() => schedule(this), 1000 / FALL_FPS);
  }
}

/** aria-valuenow/-text of `el` for `db`; its visible `text` too unless null (off screen). */
function setFigure(el, db, text) {
  const now = !(db > -199) ? -200 : Math.round(db * 100) / 100;
  const s = String(now);
  if (el.getAttribute('aria-valuenow') !== s) {
    el.setAttribute('aria-valuenow', s);
    el.setAttribute('aria-valuetext', now <= -200 ? `${MINUS}\u221e dBFS` : `${dbText(now)} dBFS`);
  }
  if (text !== null && el.textContent !== text) el.textContent = text;
}

/** The master's loudness: role=meter read-outs named momentary, short_term, integrated
    (LUFS) and true_peak_db (dBTP), each with aria-valuenow. */
export class MdLoudness extends HTMLElement {
  connectedCallback() {
    if (this.built) return;
    this.built = true;
    this.classList.add('md-loudness');
    this.setAttribute('role', 'group');
    this.setAttribute('aria-label', 'loudness');
    this.items = {};
    const rows = [['momentary', 'M', 'LUFS'], ['short_term', 'S', 'LUFS'], ['integrated', 'I', 'LUFS'], ['true_peak_db', 'TP', 'dBTP']];
    for (const [key, short, unit] of rows) {
      const row = document.createElement('div');
      row.className = 'row';
      const label = document.createElement('span');
      label.className = 'label';
      label.textContent = short;
      label.setAttribute('aria-hidden', 'true');
      const value = document.createElement('span');
      value.className = 'value';
      value.setAttribute('role', 'meter');
      value.setAttribute('aria-label', key);
      value.setAttribute('aria-valuemin', '-200');
      value.setAttribute('aria-valuemax', '24');
      value.setAttribute('aria-valuenow', '-200');
      value.textContent = `${MINUS}\u221e`;
      value.dataset.unit = unit;
      row.title = { momentary: 'Momentary loudness (400 ms)', short_term: 'Short-term loudness (3 s)', integrated: 'Integrated loudness (since play)', true_peak_db: 'True peak (since play)' }[key];
      row.append(label, value);
      this.append(row);
      this.items[key] = value;
    }
  }

  /** The `master` object of a `meters` message. */
  update(master) {
    if (!this.built || !master) return;
    for (const [key, el] of Object.entries(this.items)) {
      const v = master[key];
      if (typeof v !== 'number') continue;
      const now = !(v > -199) ? -200 : Math.round(v * 100) / 100;
      const s = String(now);
      if (el.getAttribute('aria-valuenow') === s) continue;
      el.setAttribute('aria-valuenow', s);
      const text = now <= -200 ? `${MINUS}\u221e` : dbText(now);
      el.setAttribute('aria-valuetext', `${text} ${el.dataset.unit}`);
      el.textContent = text;
      el.classList.toggle('over', key === 'true_peak_db' && now > -1);
    }
  }
}

customElements.define('md-meter', MdMeter);
customElements.define('md-loudness', MdLoudness);
