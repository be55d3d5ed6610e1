// web/app.js — the console page: the token from the URL, the link to the server (link.js)
// (reconnecting with backoff, resynchronised from each new `state`), the dispatch of
// the server's messages to the strips, transport, meters and audio, and the page-wide
// keys (Space, ←/→, Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y, Ctrl+S). Main thread only.

import { applyValue, storeValue, clearStore, endAllGestures } from './controls.js';
import { MdStrip, panelsLoaded } from './strip.js';
import { Transport } from './transport.js';
import { AudioOut } from './audio.js';

const query = new URLSearchParams(location.search);
const token = query.get('token') || '';
const tapOn = query.get('tap') === '1';
const wantAudio = query.get('audio') !== '0';

const $ = (id) => document.getElementById(id);
const ui = {
  strips: $('strips'), banner: $('banner'), status: $('status'), message: $('message'),
  session: $('session'), dirty: $('dirty'), undo: $('undo'), redo: $('redo'), save: $('save'),
  saveAs: $('save-as'), listen: $('listen'), audio: $('audio-status'),
};

// The socket lives in the link worker (link.js): the mix's packets and credits never wait on
// this thread. Here: its text messages, and whether it is open.
const link = new Worker('./link.js', { type: 'module' });
let open = false;
let attempt = 0;          // reconnection attempts since the last state
let client = null;        // this page's id (from state)
let state = null;
let dirty = false;
let stripEls = [];        // in the state's order (the meters' order)
const insertStrips = new Map(); // insert address → its md-strip

// ---------------------------------------------------------------- the wire

function wsUrl() {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws` + (token ? `?token=${encodeURIComponent(token)}` : '');
}

/** Put one message on the wire (dropped while disconnected: the next state resyncs). */
export function send(type, payload = {}) {
  if (!open) return false;
  link.postMessage({ cmd: 'send', text: JSON.stringify({ type, ...payload }) });
  return true;
}

const audio = new AudioOut(link, (text) => { ui.audio.textContent = text; }, tapOn);

link.onmessage = (e) => {
  const m = e.data;
  switch (m.ev) {
    case 'open':
      open = true;
      send('hello', { audio: wantAudio, tap: tapOn });
      break;
    case 'text': onText(m.data); break;
    case 'close':
      open = false;
      lost();
      break;
    case 'stats': audio.linkStats(m); break;
  }
};

function connect() {
  open = false;
  link.postMessage({ cmd: 'connect', url: wsUrl() });
}

function lost() {
  audio.unlisten();
  showBanner('connection lost \u2014 reconnecting');
  document.body.classList.add('offline');
  const delay = Math.min(5000, 250 * 2 ** Math.min(attempt, 5));
  attempt++;
  setTimeout(connect, delay);
}

function showBanner(text) {
  ui.banner.hidden = false;
  ui.banner.textContent = text; // role=alert: announced when its text is set
}

function hideBanner() {
  ui.banner.hidden = true;
  ui.banner.textContent = '';
}

function onText(text) {
  let m;
  try { m = JSON.parse(text); } catch { console.warn('not JSON:', text); return; }
  const handler = handlers[m.type];
  if (handler) handler(m);
  else console.warn('unknown message', m.type);
}

const handlers = {
  state: (m) => { panelsLoaded.then(() => loadState(m)); },
  value: (m) => applyValue(m.address, m.value, m.client !== null && m.client === client, m.automated),
  history: (m) => setHistory(m),
  transport: (m) => transport.update(m),
  meters: (m) => onMeters(m),
  curve: (m) => { const s = insertStrips.get(m.address); if (s) s.insertCurve(m.address, m); },
  audio: (m) => { ui.listen.hidden = true; audio.listen(m); },
  fill: (m) => audio.fill(m),
  listener: (m) => {
    if (m.listener) return;
    audio.unlisten();
    ui.listen.hidden = !!state?.jack;
  },
  saved: (m) => say(`saved ${m.path}`),
  error: (m) => { say(m.message, true); if (m.address) flash(m.address); },
  note: (m) => say(m.message),
};

// ---------------------------------------------------------------- state

/** Every PARAM's value into the store (recursing into list items). */
function storeParams(params) {
  for (const p of params || []) {
    if (p.kind === 'list') for (const item of p.items || []) storeParams(item);
    else if (p.address) storeValue(p.address, p.value);
  }
}

function loadState(m) {
  const focused = document.activeElement?.closest?.('[data-address]')?.dataset.address;
  const scroll = ui.strips.scrollLeft;
  state = m;
  client = m.client;
  attempt = 0;
  hideBanner();
  document.body.classList.remove('offline');
  clearStore();
  insertStrips.clear();
  m.strips = m.strips || [];
  for (const s of m.strips) {
    storeParams(s.params);
    for (const x of s.sends || []) storeParams(x.params);
    for (const i of s.inserts || []) storeParams(i.params);
  }
  stripEls = m.strips.map((s) => new MdStrip(s, send));
  stripEls.forEach((el, i) => { for (const ins of m.strips[i].inserts || []) insertStrips.set(ins.address, el); });
  ui.strips.replaceChildren(...stripEls);
  ui.strips.scrollLeft = scroll;
  ui.session.textContent = m.session || '';
  transport.setState(m);
  setHistory(m);
  if (m.jack) {
    ui.audio.textContent = 'playing through JACK';
    ui.listen.hidden = true;
  } else if (m.listener) {
    ui.listen.hidden = true;
    audio.listening = true;
    if (m.rate) audio.start(m.rate, 2048);
  } else {
    ui.listen.hidden = false;
    audio.unlisten();
  }
  if (focused) {
    const el = ui.strips.querySelector(`[data-address="${CSS.escape(focused)}"]`);
    if (el) el.focus();
  }
}

function setHistory(h) {
  dirty = !!h.dirty;
  ui.dirty.hidden = !dirty;
  document.title = `${dirty ? '\u25cf ' : ''}${state?.session || ''} \u2014 mixdown`;
  ui.undo.disabled = !h.can_undo;
  ui.redo.disabled = !h.can_redo;
  ui.save.classList.toggle('dirty', dirty);
}

function onMeters(m) {
  const strips = m.strips || [];
  for (let i = 0; i < strips.length && i < stripEls.length; i++) {
    const v = strips[i];
    if (v) stripEls[i].meter.update(v[0], v[1]);
  }
  if (m.inserts) {
    for (const [address, values] of Object.entries(m.inserts)) {
      const s = insertStrips.get(address);
      if (s) s.insertMeters(address, values);
    }
  }
  if (m.master) {
    const master = stripEls.find((s) => s.loudness);
    if (master) master.loudness.update(m.master);
  }
}

/** A refused move: its controls blink red (the server's value follows in a `value`). */
function flash(address) {
  for (const el of ui.strips.querySelectorAll(`[data-address="${CSS.escape(address)}"]`)) {
    el.classList.remove('refused');
    void el.offsetWidth; // restart the animation
    el.classList.add('refused');
  }
}

let sayTimer = 0;
function say(text, isError = false) {
  ui.message.textContent = text;
  ui.message.classList.toggle('error', isError);
  clearTimeout(sayTimer);
  if (!isError) sayTimer = setTimeout(() => { ui.message.textContent = ''; }, 6000);
}

// ---------------------------------------------------------------- commands and keys

const transport = new Transport($('transport'), send, () => audio.resume());

function undo() { endAllGestures(); send('undo'); }
function redo() { endAllGestures(); send('redo'); }
function save() { endAllGestures(); send('save'); }
function saveAs() {
  const path = prompt('Save a copy as (a path relative to the session\'s folder):', state ? state.session.replace(/(\.ya?ml|\.json)?$/, '-copy$1') : 'copy.yaml');
  if (path) { endAllGestures(); send('save_as', { path }); }
}

ui.undo.onclick = undo;
ui.redo.onclick = redo;
ui.save.onclick = save;
ui.saveAs.onclick = saveAs;
ui.listen.onclick = () => { audio.resume(); send('listen'); };

function isTyping(t) {
  return t instanceof HTMLInputElement && !['checkbox', 'radio', 'button'].includes(t.type) ||
    t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement || t?.isContentEditable;
}

document.addEventListener('keydown', (e) => {
  audio.resume();
  const t = e.target;
  const ctrl = e.ctrlKey || e.metaKey;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (ctrl && key === 's') { e.preventDefault(); if (e.shiftKey) saveAs(); else save(); return; }
  if (ctrl && !e.altKey && (key === 'z' || key === 'y') && !isTyping(t)) {
    e.preventDefault();
    if (key === 'y' || e.shiftKey) redo(); else undo();
    return;
  }
  if (ctrl || e.altKey || isTyping(t)) return;
  if (key === ' ') {
    // a button other than the transport's keeps Space for itself (it presses it)
    if (t instanceof HTMLButtonElement && !t.dataset.transport) return;
    e.preventDefault();
    transport.toggle();
  } else if (key === '[' || key === ']') {
    e.preventDefault();
    transport.mark(key === ']');
  } else if (key === 'l' && !e.shiftKey) {
    e.preventDefault();
    transport.toggleLoop();
  } else if (key === 'ArrowLeft' || key === 'ArrowRight') {
    if (t?.getAttribute?.('role') === 'slider' && t !== transport.timeline) return;
    e.preventDefault();
    transport.step(key === 'ArrowLeft' ? -1 : 1, e.shiftKey);
  }
});
document.addEventListener('pointerdown', () => audio.resume(), { capture: true });

window.addEventListener('beforeunload', (e) => {
  if (!dirty) return;
  e.preventDefault();
  e.returnValue = '';
});

connect();
