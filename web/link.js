// web/link.js — the page's link to the server, a dedicated Worker (module): it owns the
// WebSocket so that the mix never waits on the page's main thread (drawing, a long task,
// a test reading the tap). Text messages go both ways between the socket and the main
// thread, which handles them (app.js); PCM packets go straight from the socket to the
// AudioWorklet through a MessagePort, and the worklet's credits straight back to the socket.
//
// From the main thread: {cmd: 'connect', url} (a new socket; the old one, if any, closed),
// {cmd: 'send', text}, {cmd: 'audio', port} (the worklet's end of a MessageChannel),
// {cmd: 'listening', on} (only a listening page credits the server; off resets the worklet).
// The link resets the worklet itself on `audio`, `listener: false` and a lost socket (text()).
// To the main thread: {ev: 'open'}, {ev: 'close'}, {ev: 'text', data},
// {ev: 'stats', packets, badPackets} (about once a second).
//
// A connection that goes silent is dead: the server sends every page the transport at least
// once a second (and meters about 30 times a second), so nothing for SILENCE_MS means a network that went away without closing
// the socket (a laptop's sleep, a cable, a NAT): the link drops it and says so at once,
// rather than waiting minutes for TCP to notice, and the page reconnects.

const MAGIC = 0x4d445043; // 'MDPC'
const HEADER_BYTES = 24;
const HELD_MAX = 256;     // packets kept until the worklet exists (more: the oldest go)
const SILENCE_MS = 3000;  // nothing heard for this long: the connection is dead

let ws = null;
let worklet = null;       // MessagePort to the worklet
let listening = false;
let held = [];
const stats = { packets: 0, badPackets: 0 };
let statsAt = 0;
let heardAt = 0;          // when the socket last brought anything

self.onmessage = (e) => {
  const m = e.data;
  switch (m.cmd) {
    case 'connect': connect(m.url); break;
    case 'send': if (ws && ws.readyState === WebSocket.OPEN) ws.send(m.text); break;
    case 'audio': // the worklet's port (null: none for now)
      worklet = m.port;
      if (!worklet) break;
      worklet.onmessage = (ev) => fromWorklet(ev.data);
      for (const p of held) post(p);
      held = [];
      break;
    case 'listening':
      if (m.on) listening = true;
      else unlisten();
      break;
  }
};

function connect(url) {
  if (ws) { const old = ws; ws = null; old.close(); }
  const socket = new WebSocket(url, 'mixdown');
  socket.binaryType = 'arraybuffer';
  ws = socket;
  socket.onopen = () => {
    if (ws !== socket) return;
    heardAt = performance.now();
    self.postMessage({ ev: 'open' });
  };
  socket.onmessage = (e) => {
    if (ws !== socket) return;
    heardAt = performance.now();
    if (typeof e.data === 'string') text(e.data);
    else packet(e.data);
  };
  socket.onclose = () => { if (ws === socket) lost(); };
}

/** A text frame, to the main thread. `audio` (this page listens, PCM follows) and
    `listener: false` also reset the worklet here, in the wire's order: a reset sent by the
    main thread would reach the worklet after the packets that follow the message (they do not
    wait for that thread) and drop them, and the server, counting them as held, would wait
    forever for credits of frames the worklet never had. */
function text(data) {
  if (data.length < 256 && (data.includes('"audio"') || data.includes('"listener"'))) {
    let m = null;
    try { m = JSON.parse(data); } catch { /* the main thread says so */ }
    if (m && m.type === 'audio') { reset(); listening = true; }
    else if (m && m.type === 'listener' && !m.listener) unlisten();
  }
  self.postMessage({ ev: 'text', data });
}

/** The worklet drops what it holds and takes the next packet's generation. */
function reset() {
  held = [];
  if (worklet) worklet.postMessage({ type: 'reset' });
}

function unlisten() {
  listening = false;
  reset();
}

function lost() {
  const old = ws;
  ws = null;
  unlisten();
  if (old) old.close();
  self.postMessage({ ev: 'close' });
}

setInterval(() => {
  if (ws && ws.readyState === WebSocket.OPEN && performance.now() - heardAt > SILENCE_MS) lost();
}, 500);

/** A binary frame: a PCM packet (24-byte header, then frames × 2 float32), to the worklet. */
function packet(buffer) {
  if (buffer.byteLength < HEADER_BYTES) { stats.badPackets++; return; }
  const h = new DataView(buffer, 0, HEADER_BYTES);
  const frames = h.getUint32(4, true);
  if (h.getUint32(0, true) !== MAGIC || buffer.byteLength !== HEADER_BYTES + frames * 8) { stats.badPackets++; return; }
  const p = {
    type: 'packet',
    frames,
    generation: h.getUint32(8, true),
    flags: h.getUint32(12, true),
    position: Number(h.getBigInt64(16, true)),
    samples: new Float32Array(buffer, HEADER_BYTES, frames * 2),
  };
  stats.packets++;
  if (worklet) post(p);
  else {
    held.push(p);
    if (held.length > HELD_MAX) held.shift();
  }
  const now = performance.now();
  if (now - statsAt > 1000) {
    statsAt = now;
    self.postMessage({ ev: 'stats', ...stats });
  }
}

function post(p) { worklet.postMessage(p, [p.samples.buffer]); }

/** The worklet's credits: what it played, to the server (a listening page only). */
function fromWorklet(m) {
  if (m.type !== 'credit' || !listening || !ws || ws.readyState !== WebSocket.OPEN) return;
  ws.send(JSON.stringify({ type: 'credit', frames: m.frames, underruns: m.underruns, buffered: m.buffered }));
}
