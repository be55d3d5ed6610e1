// SPDX-License-Identifier: GPL-3.0-or-later
// The page test_panels.mjs loads on the server's own origin (its assets, its
// cookie): the real strip.js / insert.js / eq.js / dynamics.js / sends.js built
// from a made-up state (every kind of PARAM, fixed and automated ones, an EQ
// list, a dynamics insert, an LV2-like insert, a send), with `send` recording
// the messages in window.sent instead of a WebSocket. Not part of web/.
import { applyValue, storeValue } from '/controls.js';
import { MdStrip, panelsLoaded } from '/strip.js';

window.sent = [];
const send = (type, payload = {}) => { window.sent.push({ type, ...payload }); return true; };

const P = (base, name, unit, kind, min, max, def, value, extra = {}) => ({
  name, address: `${base}/${name}`, unit, kind, min, max, default: def, description: `${name} (test)`,
  value, automated: false, fixed: null, ...extra,
});
function strip(kind, name) {
  const a = kind === 'master' ? '/master' : `/${kind}/${name}`;
  return {
    kind, name, address: a, sends: [], inserts: [],
    params: [P(a, 'gain_db', 'dB', 'number', -144, 24, 0, 0), P(a, 'pan', '', 'number', -1, 1, 0, 0),
      P(a, 'mute', '', 'bool', 0, 1, 0, 0), P(a, 'solo', '', 'bool', 0, 1, 0, 0), P(a, 'invert', '', 'bool', 0, 1, 0, 0)],
  };
}
const TYPES = ['highpass', 'lowpass', 'lowshelf', 'highshelf', 'bell', 'notch', 'bandpass'];
const SLOPES = ['6', '12', '18', '24', '36', '48'];
const SHAPE = "a band's shape is set when the EQ is built";
function band(insert, k, type, freq, gain, q) {
  const b = `${insert}/bands/${k}`;
  return [P(b, 'type', '', 'choice', 0, 6, 4, type, { choices: TYPES, fixed: SHAPE }),
    P(b, 'freq', 'Hz', 'number', 10, 40000, 1000, freq), P(b, 'gain_db', 'dB', 'number', -36, 36, 0, gain),
    P(b, 'q', '', 'number', 0.1, 40, 0.7071, q), P(b, 'slope', 'dB/oct', 'choice', 0, 5, 1, 1, { choices: SLOPES, fixed: SHAPE })];
}
const bypass = (a) => P(a, 'bypass', '', 'bool', 0, 1, 0, 0);

const vocal = strip('track', 'vocal');
const eq = '/track/vocal/insert/1', comp = '/track/vocal/insert/2', lv2 = '/track/vocal/insert/3';
vocal.inserts.push({
  n: 1, type: 'eq', address: eq, meters: [], curve: 'eq',
  params: [bypass(eq), {
    name: 'bands', address: `${eq}/bands`, unit: '', kind: 'list', min: 0, max: 16, default: 0,
    description: 'Filter bands', value: null, automated: false, fixed: null,
    items: [band(eq, 1, 0, 80, 0, 0.7071), band(eq, 2, 4, 1000, 3, 1), band(eq, 3, 3, 8000, -4, 0.7)],
  }],
});
vocal.inserts.push({
  n: 2, type: 'compressor', address: comp, meters: ['gain_reduction_db', 'auto_makeup_db'], curve: 'dynamics',
  params: [bypass(comp), P(comp, 'threshold_db', 'dB', 'number', -80, 0, -18, -20),
    P(comp, 'ratio', '', 'number', 1, 100, 4, 4, { automated: true }),
    P(comp, 'attack_ms', 'ms', 'number', 0, 500, 10, 10), P(comp, 'knee_db', 'dB', 'number', 0, 24, 6, 6),
    P(comp, 'auto_makeup', '', 'bool', 0, 1, 0, 0),
    P(comp, 'lookahead_ms', 'ms', 'number', 0, 20, 0, 0, { fixed: 'the lookahead is set when the compressor is built' }),
    P(comp, 'detector', '', 'choice', 0, 1, 0, 0, { choices: ['peak', 'rms'], fixed: 'the detector is set when the compressor is built' }),
    P(comp, 'sidechain', '', 'node', 0, 1, 0, null)],
});
vocal.inserts.push({
  n: 3, type: 'lv2', address: lv2, meters: [], curve: null,
  params: [bypass(lv2), P(lv2, 'gain', 'dB', 'number', -90, 24, 0, -3), P(lv2, 'mode', '', 'choice', 0, 2, 0, 1, { choices: ['a', 'b', 'c'] })],
});
const pc = '/track/vocal/insert/4';
vocal.inserts.push({
  n: 4, type: 'pitch_correct', address: pc, meters: ['pitch_hz', 'correction_cents'], curve: null,
  params: [bypass(pc), P(pc, 'speed_ms', 'ms', 'number', 0, 1000, 20, 20), P(pc, 'amount', '', 'number', 0, 1, 1, 1)],
});
const sendAt = '/track/vocal/send/space';
vocal.sends = [{
  to: 'space', address: sendAt,
  params: [P(sendAt, 'to', '', 'node', 0, 1, 0, null), P(sendAt, 'level_db', 'dB', 'number', -144, 24, 0, -12),
    P(sendAt, 'pre_fader', '', 'bool', 0, 1, 0, 0, { fixed: 'set when the mix is built' })],
}];
const state = { type: 'state', client: 1, session: 'fake.yaml', rate: 48000, strips: [vocal, strip('bus', 'space'), strip('master', 'master')] };

function storeParams(params) {
  for (const p of params || []) {
    if (p.kind === 'list') for (const item of p.items || []) storeParams(item);
    else if (p.address) storeValue(p.address, p.value);
  }
}
await panelsLoaded;
for (const s of state.strips) { storeParams(s.params); for (const x of s.sends) storeParams(x.params); for (const i of s.inserts) storeParams(i.params); }
const els = state.strips.map((s) => new MdStrip(s, send));
document.getElementById('strips').replaceChildren(...els);
// what app.js does with the server's messages
window.mdTest = {
  state,
  value: (address, value) => applyValue(address, value, false),
  curve: (m) => { for (const el of els) el.insertCurve(m.address, m); },
  meters: (address, values) => { for (const el of els) el.insertMeters(address, values); },
};
