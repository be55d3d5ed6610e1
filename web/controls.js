// web/controls.js — the console's controls: md-slider, md-toggle, md-select,
// md-checkbox, and the page's store of values (address → value).
//
// Each control is built from a PARAM object of the `state` message (name, address,
// unit, kind, min, max, default, choices, description, value, automated, fixed)
// and a `send(type, payload)` function that puts one JSON message on the wire.
// A user's move sends `set` (with a gesture id when it is part of a drag or a
// burst of keys, closed by `end`); a value from the server (`applyValue`) only
// updates what is shown and never sends anything.
//
// Everything here runs on the page's main thread.

import { MINUS, clean, roundTo, scaleOf, formatValue, parseTyped, clamp } from './scale.js';
export { clean, formatValue, parseTyped, scaleOf } from './scale.js';

// ---------------------------------------------------------------- the store

const values = new Map();    // address → last known value (number)
const controls = new Map();  // address → Set of connected controls showing it
const listeners = new Map(); // address → Set of functions(value, fromSelf)

/** The last known value of `address` (undefined if none). */
export function valueOf(address) { return values.get(address); }

/** Record `value` for `address` without telling anyone (state load). */
export function storeValue(address, value) { values.set(address, value); }

/** Forget every value (a new state replaces them all). */
export function clearStore() { values.clear(); }

/** Call `fn(value, fromSelf)` whenever `address` changes (either way); returns an unsubscribe. */
export function onValue(address, fn) {
  if (!listeners.has(address)) listeners.set(address, new Set());
  listeners.get(address).add(fn);
  return () => listeners.get(address)?.delete(fn);
}

function notify(address, value, fromSelf) {
  const set = listeners.get(address);
  if (set) for (const fn of set) { try { fn(value, fromSelf); } catch (e) { console.error(e); } }
}

/** A value from the server (a `value` message or an undo): show it everywhere, send nothing.
    `fromSelf`: the echo of this page's own move (ignored by a control still being moved).
    `automated` (when given): an envelope gives the value (an undo put it back) or a constant. */
export function applyValue(address, value, fromSelf = false, automated = undefined) {
  values.set(address, value);
  const set = controls.get(address);
  if (set) {
    for (const c of set) {
      if (automated !== undefined && c.param && !!c.param.automated !== automated) {
        c.param.automated = automated;
        c.setAutomated?.(automated);
      }
      c.showValue(value, fromSelf);
    }
  }
  notify(address, value, fromSelf);
}

function register(control) {
  const a = control.param?.address;
  if (!a) return;
  if (!controls.has(a)) controls.set(a, new Set());
  controls.get(a).add(control);
  if (values.has(a)) control.showValue(values.get(a), false);
}

function unregister(control) {
  const a = control.param?.address;
  if (a) controls.get(a)?.delete(control);
}

/** A move made on this page: remember it and tell the page's other views of it. */
function localMove(control, value) {
  const a = control.param.address;
  values.set(a, value);
  const set = controls.get(a);
  if (set) for (const c of set) if (c !== control) c.showValue(value, false);
  notify(a, value, true);
}

// ---------------------------------------------------------------- gestures

const moving = new Set(); // sliders with a gesture open

/** Close every open gesture now (before an undo, a redo or a save, so that they see it whole). */
export function endAllGestures() {
  for (const s of [...moving]) s.endGesture();
}

const pagePrefix = Math.random().toString(36).slice(2, 7);
let gestureCount = 0;
/** A new gesture id, unique on this page. */
export function newGesture() { return `g${pagePrefix}${++gestureCount}`; }

// ---------------------------------------------------------------- a base for all controls

class MdControl extends HTMLElement {
  constructor(param, send, options) {
    super();
    this.param = null;
    this._send = null;
    this._value = 0;
    this._options = {};
    // Built at once when constructed with `new` (a created/parsed element gets setup() later).
    if (param) this.setup(param, send, options);
  }

  /** Build the control for `param`; `send(type, payload)` puts a message on the wire. */
  setup(param, send, options = {}) {
    if (this.isConnected && this.param) unregister(this);
    this.param = param;
    this._send = send;
    this._options = options;
    this.classList.add('md-control');
    this.dataset.address = param.address || '';
    this.replaceChildren();
    this.build();
    this.setFixed(param.fixed);
    this.setAutomated(param.automated);
    const v = values.has(param.address) ? values.get(param.address) : param.value;
    this.showValue(v, false);
    if (this.isConnected) register(this);
    return this;
  }

  connectedCallback() { if (this.param) register(this); }
  disconnectedCallback() { unregister(this); if (this.endGesture) this.endGesture(); }

  get value() { return this._value; }
  /** Setting `value` shows it, sends nothing. */
  set value(v) { this.showValue(v, false); }

  get disabled() { return !!this.param?.fixed; }

  /** A parameter fixed while playing: shown disabled, its reason as the tooltip. */
  setFixed(why) {
    this.classList.toggle('fixed', !!why);
    if (why) this.setAttribute('aria-disabled', 'true'); else this.removeAttribute('aria-disabled');
    this.title = why ? `${this.param.name}: ${why}` : this.param.description || this.param.name;
  }

  setAutomated(on) {
    this.classList.toggle('automated', !!on);
    if (on && !this.param.fixed) this.title = `${this.param.description || this.param.name} (automated: a move replaces the envelope)`;
  }

  /** Send a move of this control's parameter (own undo step when `gesture` is null). */
  sendSet(value, gesture) {
    if (!this._send || this.disabled) return;
    const payload = { address: this.param.address, value: clean(value) };
    if (gesture) payload.gesture = gesture;
    this._send('set', payload);
    if (this.param.automated) { this.param.automated = false; this.setAutomated(false); }
    localMove(this, clean(value));
    this.dispatchEvent(new CustomEvent('md-change', { bubbles: true, detail: { address: this.param.address, value: clean(value) } }));
  }

  sendEnd(gesture) { if (this._send && gesture) this._send('end', { gesture }); }
}

// ---------------------------------------------------------------- md-slider

const KEY_BURST_MS = 400;

/** A number: role=slider, drag (Shift fine), keys, typed entry, double-click → default. */
export class MdSlider extends MdControl {
  build() {
    const p = this.param, o = this._options;
    this.scale = scaleOf(p);
    this.vertical = o.orientation === 'vertical';
    this.classList.add('md-slider', this.vertical ? 'vertical' : 'horizontal', `scale-${this.scale.kind}`);
    this.setAttribute('role', 'slider');
    this.setAttribute('tabindex', '0');
    this.setAttribute('aria-label', p.name);
    this.setAttribute('aria-valuemin', String(clean(p.min)));
    this.setAttribute('aria-valuemax', String(clean(p.max)));
    this.setAttribute('aria-orientation', this.vertical ? 'vertical' : 'horizontal');
    if (o.label !== false) {
      const label = document.createElement('span');
      label.className = 'label';
      label.textContent = o.labelText || p.name;
      label.setAttribute('aria-hidden', 'true');
      this.append(label);
    }
    this.track = document.createElement('div');
    this.track.className = 'track';
    this.fill = document.createElement('div');
    this.fill.className = 'fill';
    this.thumb = document.createElement('div');
    this.thumb.className = 'thumb';
    this.track.append(this.fill, this.thumb);
    if (o.ticks) this.track.append(this.buildTicks(o.ticks));
    this.readout = document.createElement('span');
    this.readout.className = 'readout';
    this.readout.setAttribute('aria-hidden', 'true');
    this.append(this.track, this.readout);
    this.bipolar = this.scale.kind === 'linear' && p.min < 0 && p.max > 0;
    this._gesture = null;     // the gesture of a drag or a key burst in progress
    this._keyTimer = 0;
    this._dragging = false;
    this.addListeners();
  }

  buildTicks(ticks) {
    const box = document.createElement('div');
    box.className = 'ticks';
    box.setAttribute('aria-hidden', 'true');
    for (const t of ticks) {
      if (t < this.param.min || t > this.param.max) continue;
      const tick = document.createElement('span');
      tick.className = 'tick';
      tick.textContent = t <= this.param.min && this.param.min <= -100 ? '\u221e' : t > 0 ? `+${t}` : String(t).replace('-', MINUS);
      tick.style.setProperty('--pos', String(this.scale.toPos(t)));
      box.append(tick);
    }
    return box;
  }

  addListeners() {
    this.onkeydown = (e) => this.onKey(e);
    this.ondblclick = (e) => { if (e.target.closest('input')) return; this.resetToDefault(); };
    this.readout.onclick = () => this.openEditor('');
    this.track.onpointerdown = (e) => this.onPointerDown(e);
    this.onwheel = (e) => this.onWheel(e);
  }

  /** Show `v` (from the server or a local move) without sending. */
  showValue(v, fromSelf) {
    if (typeof v !== 'number' || Number.isNaN(v)) return;
    if (this._gesture || this._dragging) return; // still being moved here: the user's hand wins
    this.render(v);
  }

  render(v) {
    this._value = v;
    const p = this.param;
    const pos = clamp(this.scale.toPos(clamp(v, p.min, p.max)), 0, 1);
    this.style.setProperty('--pos', String(pos));
    const zero = this.bipolar ? this.scale.toPos(0) : 0;
    this.style.setProperty('--fill-from', String(Math.min(zero, pos)));
    this.style.setProperty('--fill-to', String(Math.max(zero, pos)));
    const text = formatValue(p, v);
    this.readout.textContent = text;
    this.setAttribute('aria-valuenow', String(clean(v)));
    this.setAttribute('aria-valuetext', text);
  }

  /** Move to `v` as part of gesture `gesture` (or alone when null). */
  moveTo(v, gesture, fine = false) {
    const p = this.param;
    v = clamp(v, p.min, p.max);
    if (v !== p.min && v !== p.max) v = clamp(roundTo(v, this.scale.quantum(fine, v)), p.min, p.max);
    if (v === this._value) return false;
    this.render(v);
    this.sendSet(v, gesture);
    return true;
  }

  resetToDefault() {
    if (this.disabled) return;
    this.endGesture();
    this.moveTo(this.param.default, null);
  }

  endGesture() {
    clearTimeout(this._keyTimer);
    this._keyTimer = 0;
    moving.delete(this);
    if (this._gesture) {
      const g = this._gesture;
      this._gesture = null;
      if (this._gestureSent) this.sendEnd(g);
      // what the server said meanwhile (echoes were not shown while moving)
      const v = values.get(this.param.address);
      if (!this._dragging && typeof v === 'number' && v !== this._value) this.render(v);
    }
    this._gestureSent = false;
  }

  beginGesture() {
    if (!this._gesture) { this._gesture = newGesture(); this._gestureSent = false; moving.add(this); }
    return this._gesture;
  }

  moveInGesture(v, fine) {
    const g = this.beginGesture();
    if (this.moveTo(v, g, fine)) this._gestureSent = true;
  }

  onKey(e) {
    if (e.target !== this) return; // the typed-entry input handles its own keys
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const p = this.param;
    let v = null;
    const fine = e.shiftKey;
    switch (e.key) {
      case 'ArrowUp': case 'ArrowRight': v = this.scale.keyStep(this._value, +1, false, fine); break;
      case 'ArrowDown': case 'ArrowLeft': v = this.scale.keyStep(this._value, -1, false, fine); break;
      case 'PageUp': v = this.scale.keyStep(this._value, +1, true, false); break;
      case 'PageDown': v = this.scale.keyStep(this._value, -1, true, false); break;
      case 'Home': v = p.min; break;
      case 'End': v = p.max; break;
      case 'Enter': case 'F2': e.preventDefault(); this.openEditor(''); return;
      case 'Delete': case 'Backspace': e.preventDefault(); this.resetToDefault(); return;
      default:
        if (/^[-0-9.+\u2212]$/.test(e.key)) { e.preventDefault(); this.openEditor(e.key); }
        return;
    }
    e.preventDefault();
    e.stopPropagation(); // ←/→ on a slider move it, not the transport
    if (this.disabled) return;
    if (this.scale.kind === 'fader' && this._value <= p.min && v > p.min && !fine) v = Math.max(v, -60); // out of −∞ at once
    this.moveInGesture(v, fine);
    clearTimeout(this._keyTimer);
    this._keyTimer = setTimeout(() => this.endGesture(), KEY_BURST_MS);
  }

  onWheel(e) {
    if (this.disabled || !this._options.wheel) return;
    e.preventDefault();
    this.moveInGesture(this.scale.keyStep(this._value, e.deltaY < 0 ? 1 : -1, false, e.shiftKey), e.shiftKey);
    clearTimeout(this._keyTimer);
    this._keyTimer = setTimeout(() => this.endGesture(), KEY_BURST_MS);
  }

  onPointerDown(e) {
    if (e.button !== 0 || this.disabled) return;
    e.preventDefault();
    this.focus();
    this.endGesture();
    const rect = this.track.getBoundingClientRect();
    const length = Math.max(20, this.vertical ? rect.height : rect.width);
    let last = this.vertical ? e.clientY : e.clientX;
    let pos = this.scale.toPos(clamp(this._value, this.param.min, this.param.max));
    this._dragging = true;
    this.track.setPointerCapture(e.pointerId);
    let pending = null, frame = 0;
    const flush = () => { frame = 0; if (pending !== null) { this.moveInGesture(pending.v, pending.fine); pending = null; } };
    const move = (ev) => {
      const now = this.vertical ? ev.clientY : ev.clientX;
      const d = (this.vertical ? last - now : now - last) / length;
      last = now;
      pos = clamp(pos + d * (ev.shiftKey ? 0.1 : 1), 0, 1);
      pending = { v: this.scale.fromPos(pos), fine: ev.shiftKey };
      if (!frame) frame = requestAnimationFrame(flush);   // at most one move a frame
    };
    const up = () => {
      this.track.onpointermove = this.track.onpointerup = this.track.onpointercancel = null;
      if (frame) cancelAnimationFrame(frame);
      flush();
      this._dragging = false;
      this.endGesture();
    };
    this.track.onpointermove = move;
    this.track.onpointerup = up;
    this.track.onpointercancel = up;
  }

  /** Typed entry: an input over the readout; Enter sets, Escape cancels. */
  openEditor(initial) {
    if (this.disabled || this.editor) return;
    this.endGesture();
    const input = document.createElement('input');
    input.type = 'text';
    input.className = 'entry';
    input.setAttribute('aria-label', `${this.param.name} value`);
    input.value = initial || String(clean(this._value));
    this.editor = input;
    this.append(input);
    input.focus();
    if (!initial) input.select();
    let done = false;
    const close = (commit) => {
      if (done) return;
      done = true;
      if (commit) {
        const v = parseTyped(this.param, input.value);
        if (Number.isFinite(v)) this.moveTo(v, null);
      }
      input.remove();
      this.editor = null;
    };
    input.onkeydown = (e) => {
      e.stopPropagation();
      if (e.key === 'Enter') { e.preventDefault(); close(true); this.focus(); }
      else if (e.key === 'Escape') { e.preventDefault(); close(false); this.focus(); }
    };
    input.onblur = () => close(true);
  }
}

// ---------------------------------------------------------------- md-toggle

/** A bool as a toggle button (aria-pressed); `options.text` is its visible text. */
export class MdToggle extends MdControl {
  build() {
    this.classList.add('md-toggle');
    if (this._options.className) this.classList.add(this._options.className);
    this.button = document.createElement('button');
    this.button.type = 'button';
    this.button.setAttribute('aria-label', this.param.name);
    this.button.textContent = this._options.text || this.param.name;
    this.button.onclick = () => {
      if (this.disabled) return;
      const v = this._value ? 0 : 1;
      this.showValue(v, false);
      this.sendSet(v, null);
    };
    this.append(this.button);
  }

  setFixed(why) { super.setFixed(why); if (this.button) this.button.disabled = !!why; }

  showValue(v, _fromSelf) {
    if (typeof v !== 'number') return;
    this._value = v ? 1 : 0;
    this.button.setAttribute('aria-pressed', v ? 'true' : 'false');
    this.classList.toggle('on', !!v);
  }

  focus(o) { this.button?.focus(o); }
}

// ---------------------------------------------------------------- md-select

/** A choice: a <select> of the param's choices; the value is the index. */
export class MdSelect extends MdControl {
  build() {
    this.classList.add('md-select');
    if (this._options.label !== false) {
      const label = document.createElement('span');
      label.className = 'label';
      label.textContent = this.param.name;
      label.setAttribute('aria-hidden', 'true');
      this.append(label);
    }
    this.select = document.createElement('select');
    this.select.setAttribute('aria-label', this.param.name);
    (this.param.choices || []).forEach((c, i) => {
      const o = document.createElement('option');
      o.value = String(i);
      o.textContent = c;
      this.select.append(o);
    });
    this.select.onchange = () => {
      const v = Number(this.select.value);
      this._value = v;
      this.sendSet(v, null);
    };
    this.append(this.select);
  }

  setFixed(why) { super.setFixed(why); if (this.select) this.select.disabled = !!why; }

  showValue(v, _fromSelf) {
    if (typeof v !== 'number') return;
    this._value = v;
    this.select.value = String(Math.round(v));
  }

  focus(o) { this.select?.focus(o); }
}

// ---------------------------------------------------------------- md-checkbox

/** A bool as a checkbox named by the param. */
export class MdCheckbox extends MdControl {
  build() {
    this.classList.add('md-checkbox');
    const label = document.createElement('label');
    this.box = document.createElement('input');
    this.box.type = 'checkbox';
    this.box.setAttribute('aria-label', this.param.name);
    const text = document.createElement('span');
    text.textContent = this.param.name;
    text.setAttribute('aria-hidden', 'true');
    label.append(this.box, text);
    this.box.onchange = () => {
      const v = this.box.checked ? 1 : 0;
      this._value = v;
      this.sendSet(v, null);
    };
    this.append(label);
  }

  setFixed(why) { super.setFixed(why); if (this.box) this.box.disabled = !!why; }

  showValue(v, _fromSelf) {
    if (typeof v !== 'number') return;
    this._value = v ? 1 : 0;
    this.box.checked = !!v;
  }

  focus(o) { this.box?.focus(o); }
}

// ---------------------------------------------------------------- a read-only value

/** A parameter the page cannot move (a sidechain's node, a file, a note value): its value as text. */
export class MdReadout extends MdControl {
  build() {
    this.classList.add('md-readout');
    const label = document.createElement('span');
    label.className = 'label';
    label.textContent = this.param.name;
    this.text = document.createElement('output');
    this.text.setAttribute('aria-label', this.param.name);
    this.append(label, this.text);
  }

  showValue(v, _fromSelf) {
    this._value = v;
    this.text.textContent = v === null || v === undefined ? '—' : typeof v === 'number' && this.param.unit ? formatValue(this.param, v) : String(v);
  }
}

customElements.define('md-slider', MdSlider);
customElements.define('md-toggle', MdToggle);
customElements.define('md-select', MdSelect);
customElements.define('md-checkbox', MdCheckbox);
customElements.define('md-readout', MdReadout);

/** The control for a PARAM: a slider for numbers, a select for choices, a checkbox
    (or a toggle with `options.toggle`) for bools, a read-out otherwise. */
export function createControl(param, send, options = {}) {
  switch (param.kind) {
    case 'number': return new MdSlider(param, send, options);
    case 'bool': return options.toggle ? new MdToggle(param, send, options) : new MdCheckbox(param, send, options);
    case 'choice': return new MdSelect(param, send, options);
    default: return new MdReadout(param, send, options);
  }
}
