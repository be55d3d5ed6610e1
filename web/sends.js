// web/sends.js — md-sends: a strip's sends, one row per send of the state's STRIP
// ({to, address, params}): the bus it feeds, its level_db slider and its pre_fader
// checkbox (fixed while playing: shown disabled with the reason), and any other
// parameter the send table has, each a control named by its parameter's name.
// A group named `sends`; each row a group named `send BUS`. Main thread only.

import { createControl } from './controls.js';

/** The order of a row's controls; parameters not listed come after, `to` is the row's name. */
const ORDER = ['level_db', 'pre_fader'];

/** `new MdSends(sends, send, strip)`, or createElement + configure(sends, send, strip). */
export class MdSends extends HTMLElement {
  constructor(list, send, strip) {
    super();
    if (list) this.configure(list, send, strip);
  }

  configure(list, send, strip = null) {
    this.list = list;
    this.send = send;
    this.strip = strip;
    this.replaceChildren();
    this.className = 'md-sends';
    this.setAttribute('role', 'group');
    this.setAttribute('aria-label', 'sends');
    for (const s of list || []) this.append(this.buildRow(s));
    return this;
  }

  buildRow(s) {
    const row = document.createElement('div');
    row.className = 'send-row';
    row.setAttribute('role', 'group');
    row.setAttribute('aria-label', `send ${s.to}`);
    row.dataset.address = s.address || '';
    const name = document.createElement('div');
    name.className = 'send-name';
    name.textContent = `\u2192 ${s.to}`;
    name.title = `send to ${s.to} (${s.address})`;
    name.setAttribute('aria-hidden', 'true');
    row.append(name);
    const params = (s.params || []).filter((p) => p.name !== 'to');
    params.sort((a, b) => rank(a.name) - rank(b.name));
    for (const p of params) {
      const c = createControl(p, this.send, p.name === 'level_db' ? { labelText: 'level', wheel: true } : {});
      if (p.name === 'pre_fader') {
        c.classList.add('pre-fader');
        // the visible text says "pre" (the accessible name stays pre_fader)
        const text = c.querySelector('span');
        if (text) text.textContent = 'pre';
      }
      row.append(c);
    }
    return row;
  }

  // The panels' methods strip.js may call (sends have no curve or read-out).
  update(_address, _value) {}
  curve(_message) {}
  meters(_values) {}
}

function rank(name) {
  const i = ORDER.indexOf(name);
  return i < 0 ? ORDER.length : i;
}

customElements.define('md-sends', MdSends);
