// web/strip.js — md-strip: one track, bus or the master, built from a STRIP of the
// `state` message: name, inserts (md-insert from insert.js), sends (md-sends from
// sends.js), pan, mute/solo/invert, fader with its scale, meter; the master adds
// the loudness read-outs. Main thread only.
//
// A strip scrolled out of view (128 of them: most are) takes its inserts' read-outs
// and curves without touching the DOM: the latest of each waits in the strip and
// is shown the moment the strip scrolls into view (an IntersectionObserver).
//
// The panels' elements are loaded with a dynamic import so that the console works
// (with a plain generated panel) before insert.js / sends.js exist.

import { createControl } from './controls.js';
import './meter.js';

const FADER_TICKS = [12, 6, 0, -6, -12, -20, -30, -40, -60, -144];
const TOGGLE_TEXT = { mute: 'M', solo: 'S', invert: '\u00d8' };

/** Resolves once insert.js and sends.js are loaded (or known missing). */
export const panelsLoaded = Promise.all([
  import('./insert.js').catch((e) => console.warn('insert.js not loaded:', e.message)),
  import('./sends.js').catch((e) => console.warn('sends.js not loaded:', e.message)),
]);

/** Whether each strip is on screen (a margin of about two strips on either side). */
const onScreen = new IntersectionObserver((entries) => {
  for (const e of entries) e.target.setOnScreen(e.isIntersecting);
}, { rootMargin: '0px 200px' });

/** A strip. `new MdStrip(strip, send)`; `meter` and `loudness` are its meter elements. */
export class MdStrip extends HTMLElement {
  constructor(strip, send) {
    super();
    this.strip = strip;
    this.send = send;
    this.inserts = new Map(); // address → md-insert
    this.onScreen = false;
    this.waitingMeters = new Map(); // address → the latest read-outs not shown (off screen)
    this.waitingCurves = new Map(); // address → the latest curve not drawn (off screen)
    if (strip) this.build();
  }

  connectedCallback() { onScreen.observe(this); }

  disconnectedCallback() { onScreen.unobserve(this); this.onScreen = false; }

  /** Scrolled into view (or out): what waited is shown at once. */
  setOnScreen(on) {
    this.onScreen = on;
    if (!on) return;
    for (const [address, message] of this.waitingCurves) this.insertCurve(address, message);
    for (const [address, values] of this.waitingMeters) this.insertMeters(address, values);
    this.waitingCurves.clear();
    this.waitingMeters.clear();
  }

  build() {
    const s = this.strip, send = this.send;
    const name = s.kind === 'master' ? 'master' : s.name;
    this.classList.add('md-strip', s.kind);
    this.setAttribute('role', 'group');
    this.setAttribute('aria-label', name);
    this.dataset.address = s.address;

    const title = document.createElement('div');
    title.className = 'strip-name';
    title.textContent = name;
    title.title = `${s.kind} ${name} (${s.address})`;
    title.setAttribute('aria-hidden', 'true');

    const widen = document.createElement('button');
    widen.type = 'button';
    widen.className = 'widen';
    widen.textContent = '\u2194';
    widen.setAttribute('aria-label', `widen ${name}`);
    widen.setAttribute('aria-pressed', 'false');
    widen.title = 'Show this strip\'s inserts and sends wide';
    widen.onclick = () => {
      const on = !this.classList.contains('wide');
      this.classList.toggle('wide', on);
      widen.setAttribute('aria-pressed', String(on));
    };
    const head = document.createElement('div');
    head.className = 'strip-head';
    head.append(title, widen);

    const params = new Map(s.params.map((p) => [p.name, p]));
    const inserts = document.createElement('div');
    inserts.className = 'inserts';
    for (const insert of s.inserts || []) {
      const el = makeInsert(insert, send);
      this.inserts.set(insert.address, el);
      inserts.append(el);
    }
    if (!(s.inserts || []).length) inserts.classList.add('empty');

    const sends = document.createElement('div');
    sends.className = 'sends';
    if ((s.sends || []).length) sends.append(makeSends(s.sends, send, s));
    else sends.classList.add('empty');

    const pan = document.createElement('div');
    pan.className = 'pan';
    if (params.has('pan')) pan.append(createControl(params.get('pan'), send, { labelText: 'pan' }));

    const buttons = document.createElement('div');
    buttons.className = 'buttons';
    for (const key of ['mute', 'solo', 'invert']) {
      if (params.has(key)) buttons.append(createControl(params.get(key), send, { toggle: true, text: TOGGLE_TEXT[key], className: key }));
    }

    const others = document.createElement('div');
    others.className = 'others';
    for (const p of s.params) {
      if (['gain_db', 'pan', 'mute', 'solo', 'invert'].includes(p.name)) continue;
      others.append(createControl(p, send, {}));
    }

    const faderBox = document.createElement('div');
    faderBox.className = 'fader-box';
    if (params.has('gain_db')) {
      this.fader = createControl(params.get('gain_db'), send, { orientation: 'vertical', label: false, ticks: FADER_TICKS, wheel: true });
      this.fader.classList.add('fader');
      faderBox.append(this.fader);
    }
    this.meter = document.createElement('md-meter');
    faderBox.append(this.meter);

    const rack = document.createElement('div');
    rack.className = 'rack';
    rack.append(inserts, sends, others);
    // The fader comes first in the DOM (style.css shows it at the bottom): an insert's own
    // `gain_db` (an EQ band's) is inside the strip too, and the strip's fader must be the
    // first slider of that name in it (getByRole(…).first()) and the first stop of the strip.
    this.append(head, faderBox, rack, pan, buttons);
    if (s.kind === 'master') {
      this.loudness = document.createElement('md-loudness');
      this.append(this.loudness);
    }
    const foot = document.createElement('div');
    foot.className = 'strip-foot';
    foot.textContent = name;
    foot.setAttribute('aria-hidden', 'true');
    this.append(foot);
  }

  /** An insert's read-outs from `meters.inserts` (e.g. {gain_reduction_db: 3.1}). */
  insertMeters(address, meters) {
    const el = this.inserts.get(address);
    if (!el) return;
    if (!this.onScreen) { this.waitingMeters.set(address, meters); return; }
    deliver(el, 'setMeters', 'md-meters', meters);
  }

  /** A `curve` message for one of this strip's inserts. */
  insertCurve(address, message) {
    const el = this.inserts.get(address);
    if (!el) return false;
    if (!this.onScreen) { this.waitingCurves.set(address, message); return true; }
    deliver(el, 'setCurve', 'md-curve', message);
    return true;
  }
}

/** Hand `detail` to a panel element: its method if it has one, and an event either way. */
function deliver(el, method, event, detail) {
  if (typeof el[method] === 'function') el[method](detail);
  el.dispatchEvent(new CustomEvent(event, { detail }));
}

function makeInsert(insert, send) {
  const C = customElements.get('md-insert');
  if (C) return new C(insert, send);
  // Stand-in until insert.js lands: a group named "insert N TYPE" with a generated control per param.
  const el = document.createElement('div');
  el.className = 'md-insert-fallback';
  el.setAttribute('role', 'group');
  el.setAttribute('aria-label', `insert ${insert.n} ${insert.type}`);
  const h = document.createElement('div');
  h.className = 'insert-name';
  h.textContent = `${insert.n} ${insert.type}`;
  el.append(h);
  for (const p of insert.params || []) {
    if (p.kind === 'list') continue;
    el.append(createControl(p, send, { toggle: p.name === 'bypass', text: p.name === 'bypass' ? 'bypass' : undefined }));
  }
  return el;
}

function makeSends(list, send, strip) {
  const C = customElements.get('md-sends');
  if (C) return new C(list, send, strip);
  const el = document.createElement('div');
  el.className = 'md-sends-fallback';
  el.setAttribute('role', 'group');
  el.setAttribute('aria-label', 'sends');
  for (const s of list) {
    const g = document.createElement('div');
    g.setAttribute('role', 'group');
    g.setAttribute('aria-label', `send ${s.to}`);
    const h = document.createElement('div');
    h.className = 'send-name';
    h.textContent = `\u2192 ${s.to}`;
    g.append(h);
    for (const p of s.params || []) g.append(createControl(p, send, {}));
    el.append(g);
  }
  return el;
}

customElements.define('md-strip', MdStrip);
