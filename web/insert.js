// web/insert.js — md-insert: one insert of a strip, built from an insert of the
// `state` message ({n, type, address, params, meters, curve}): a group named
// `insert N TYPE` with its bypass toggle and a panel generated from its parameter
// table — a slider per number (aria-valuenow in its unit), a select per choice, a
// checkbox per switch, a sub-group per item of a list (an EQ's bands) — plus the
// EQ's response (eq.js) or the dynamics' static curve and live gain reduction
// (dynamics.js). LV2 inserts come in the same PARAM form and get the same panel.
//
// Values reach the controls through controls.js's store (app.js applies every
// `value` message); curves come through setCurve(), read-outs through setMeters().
// Main thread only.

import { createControl, onValue, valueOf } from './controls.js';
import { MdEqPanel } from './eq.js';
import { MdDynamicsPanel, MdReduction } from './dynamics.js';

/** The panels' stylesheet: linked once, beside the page's style.css (no inline styles under the CSP). */
function linkStyles() {
  if (document.querySelector('link[data-panels]')) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = new URL('./panels.css', import.meta.url).pathname;
  link.dataset.panels = '';
  document.head.append(link);
}
linkStyles();

/** Inserts whose panel the user folded (by address), kept across rebuilds of the page. */
const folded = new Set();
let bodies = 0;

/** The parameter switching an insert off (helper "engine" puts it first in params). */
const BYPASS = 'bypass';

/** An insert. `new MdInsert(insert, send)`, or createElement + configure(insert, send). */
export class MdInsert extends HTMLElement {
  constructor(insert, send) {
    super();
    this.insert = null;
    this.send = null;
    this.graph = null;       // md-eq-panel or md-dynamics-panel, when the insert has a curve
    this.reductions = new Map(); // meter name → md-reduction
    this.curveAsked = false;
    if (insert) this.configure(insert, send);
  }

  /** (Re)build for `insert` of the state; `send(type, payload)` puts a message on the wire. */
  configure(insert, send) {
    this.disconnectedCallback();
    this.insert = insert;
    this.send = send;
    this.bypassParam = null;
    this.curveAsked = false;
    this.reductions.clear();
    this.graph = null;
    this.replaceChildren();
    this.className = 'md-insert';
    this.classList.add(`type-${cssName(insert.type)}`);
    this.setAttribute('role', 'group');
    this.setAttribute('aria-label', `insert ${insert.n} ${insert.type}`);
    this.dataset.address = insert.address;

    const params = insert.params || [];
    const bypass = params.find((p) => p.name === BYPASS && p.kind === 'bool');
    this.append(this.buildHead(insert, bypass));

    const body = document.createElement('div');
    body.className = 'insert-body';
    if (insert.curve === 'eq') {
      this.graph = new MdEqPanel(insert, send);
    } else if (insert.curve === 'dynamics') {
      this.graph = new MdDynamicsPanel(insert);
    }
    if (this.graph) body.append(this.graph);
    for (const name of insert.meters || []) {
      const r = new MdReduction(name);
      this.reductions.set(name, r);
      body.append(r);
    }
    const controls = document.createElement('div');
    controls.className = 'insert-params';
    for (const p of params) {
      if (p === bypass) continue;
      controls.append(this.buildParam(p));
    }
    body.append(controls);
    body.id = `md-insert-body-${++bodies}`;
    this.foldButton.setAttribute('aria-controls', body.id);
    this.body = body;
    this.append(body);
    this.setFolded(folded.has(insert.address));
    if (this.isConnected) this.connectedCallback();
    return this;
  }

  buildHead(insert, bypass) {
    const head = document.createElement('div');
    head.className = 'insert-head';
    const title = document.createElement('span');
    title.className = 'insert-name';
    title.textContent = `${insert.n} ${insert.type}`;
    title.title = `${insert.type} (${insert.address})`;
    title.setAttribute('aria-hidden', 'true');
    // the panel folds away (a long rack); remembered per insert across a resync's rebuild
    const fold = document.createElement('button');
    fold.type = 'button';
    fold.className = 'fold';
    fold.setAttribute('aria-label', 'panel');
    fold.title = 'Show or hide this insert\'s panel';
    fold.onclick = () => this.setFolded(!this.classList.contains('folded'));
    this.foldButton = fold;
    head.append(fold, title);
    if (bypass) {
      const toggle = createControl(bypass, this.send, { toggle: true, text: 'byp', className: 'bypass' });
      toggle.title = `bypass: ${bypass.description || 'pass the input through'}`;
      this.bypassParam = bypass;
      head.append(toggle);
      this.followBypass();
    }
    return head;
  }

  /** The control of one PARAM: a list becomes a sub-group per item. */
  buildParam(p) {
    if (p.kind === 'list') return this.buildList(p);
    const row = document.createElement('div');
    row.className = `param kind-${p.kind}`;
    row.append(createControl(p, this.send, {}));
    // a choice's or a switch's unit is not in its control's text: show it beside
    if (p.unit && p.kind === 'choice') {
      const unit = document.createElement('span');
      unit.className = 'unit';
      unit.textContent = p.unit;
      row.append(unit);
    }
    if (p.automated) {
      row.classList.add('automated');
      row.title = `${p.name}: automated (a move replaces the envelope)`;
    }
    return row;
  }

  buildList(p) {
    const box = document.createElement('div');
    box.className = 'param-list';
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', p.name);
    const singular = p.name.endsWith('s') ? p.name.slice(0, -1) : p.name;
    (p.items || []).forEach((fields, k) => {
      const item = document.createElement('div');
      item.className = 'list-item';
      item.setAttribute('role', 'group');
      item.setAttribute('aria-label', `${singular} ${k + 1}`);
      item.dataset.index = String(k + 1);
      const h = document.createElement('div');
      h.className = 'item-name';
      h.textContent = `${singular} ${k + 1}`;
      h.setAttribute('aria-hidden', 'true');
      item.append(h);
      for (const f of fields) item.append(this.buildParam(f));
      box.append(item);
    });
    if (!(p.items || []).length) {
      const none = document.createElement('div');
      none.className = 'item-none';
      none.textContent = `no ${p.name}`;
      box.append(none);
    }
    return box;
  }

  /** Hide (or show) the panel below the head; the bypass stays in reach. */
  setFolded(on) {
    this.classList.toggle('folded', on);
    this.body.hidden = on;
    this.foldButton.setAttribute('aria-expanded', String(!on));
    this.foldButton.textContent = on ? '\u25b8' : '\u25be';
    if (on) folded.add(this.insert.address); else folded.delete(this.insert.address);
  }

  connectedCallback() {
    this.askCurve();
    // a bypassed insert is drawn dim: follow its value (this page's moves and the server's)
    if (this.bypassParam && !this.unfollow) this.unfollow = onValue(this.bypassParam.address, () => this.followBypass());
    this.followBypass();
  }

  disconnectedCallback() {
    if (this.unfollow) { this.unfollow(); this.unfollow = null; }
  }

  followBypass() {
    if (!this.bypassParam) return;
    const v = valueOf(this.bypassParam.address);
    this.classList.toggle('bypassed', !!(v === undefined ? this.bypassParam.value : v));
  }

  /** Ask the server for this insert's curve once it is on the page (the server pushes the next ones). */
  askCurve() {
    if (this.curveAsked || !this.insert?.curve || !this.send) return;
    this.curveAsked = true;
    this.send('curve', { address: this.insert.address });
  }

  /** A `curve` message for this insert. */
  setCurve(message) {
    if (this.graph && message && message.address === this.insert.address) this.graph.setCurve(message);
  }

  /** The insert's read-outs of a `meters` message, e.g. {gain_reduction_db: -3.1}. */
  setMeters(values) {
    if (!values) return;
    for (const [name, v] of Object.entries(values)) this.reductions.get(name)?.update(v);
    if (this.graph?.setReduction && typeof values.gain_reduction_db === 'number') {
      this.graph.setReduction(values.gain_reduction_db);
    }
  }

  /** A value of this insert changed (app.js already gave it to the store and the controls). */
  update(address, _value) {
    if (address === this.bypassParam?.address) this.followBypass();
  }

  // The names of the brief (configure/update/curve/meters) beside strip.js's setCurve/setMeters.
  curve(message) { this.setCurve(message); }
  meters(values) { this.setMeters(values); }
}

function cssName(s) { return String(s).toLowerCase().replace(/[^a-z0-9_-]+/g, '-'); }

customElements.define('md-insert', MdInsert);
