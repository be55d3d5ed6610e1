// web/link.js — the page's link to the server: the WebSocket (/ws, subprotocol `mixdown`),
// run in a dedicated module worker (app.js: `new Worker('link.js', {type: 'module'})`) so that
// the audio path never waits for the page's main thread (drawing, GC, a test's page.evaluate):
//
//   server ──PCM──▶ link ──packet (ArrayBuffer transferred)──▶ worklet   (a MessageChannel)
//   worklet ──credit──▶ link ──credit (JSON)──▶ server
//   server ──text──▶ link ──{type:'message', m} (parsed)──▶ main thread  (state, value, meters …)
//   main thread ──{type:'send', text}──▶ link ──▶ server                 (hello, set, end …)
//
// The link also keeps the worklet's state in step with the wire, in the wire's order: an
// `audio` message (this page is the listener, PCM follows), `listener: false`, a `state`
// saying this page is not the listener, and a closed socket each reset the worklet (drop what
// it holds, take the next packet's generation) before any later packet reaches it. Packets
// that come while there is no worklet (its context being made) are held, and dropped by a reset.
//
// Main → link: {type:'connect', url} (a new socket; the old one, if any, is dropped),
//   {type:'send', text}, {type:'port', port} (the worklet's end is the other port of the
//   channel; null: the worklet is gone, hold packets again).
// Link → main: {type:'open'}, {type:'close'} (main decides when to reconnect),
//   {type:'message', m} / {type:'text', text} (not JSON), {type:'stats', …} (every ~100 ms:
//   the worklet's underruns, frames held, credits, fewest frames held; packets, bad packets).
//
// The same class runs on the main thread (app.js) when a worker cannot be made or the page's
// WebSocket is not the browser's own (a test harness routing it: only the page's is routed).
// Link thread only (or the main thread in that fallback).

const MAGIC = 0x4d445043; // 'MDPC'
const HEADER_BYTES = 24;
const STATS_EVERY_MS = 100;
const HOLD_MAX = 256;     // packets held without a worklet (~5 s of 1024-frame packets) at most

export class Link {
  /** `post(message, transfer)` sends a message to the main thread. */
  constructor(post) {
    this.post = post;
    this.ws = null;
    this.port = null;      // to the worklet (its end of the MessageChannel)
    this.held = [];        // packets before there is a worklet
    this.listening = false;
    this.stats = { packets: 0, badPackets: 0, underruns: 0, buffered: 0, credits: 0, lowest: undefined };
    this.statsAt = 0;
  }

  /** A message from the main thread. */
  onMain(m) {
    switch (m.type) {
      case 'connect': this.connect(m.url); break;
      case 'send': if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(m.text); break;
      case 'port': this.setPort(m.port); break;
    }
  }

  connect(url) {
    if (this.ws) { const old = this.ws; this.ws = null; old.close(); }
    const socket = new WebSocket(url, 'mixdown');
    socket.binaryType = 'arraybuffer';
    this.ws = socket;
    socket.onopen = () => { if (this.ws === socket) this.post({ type: 'open' }); };
    socket.onmessage = (e) => {
      if (this.ws !== socket) return;
      if (typeof e.data === 'string') this.text(e.data);
      else this.packet(e.data);
    };
    socket.onclose = () => {
      if (this.ws !== socket) return;
      this.ws = null;
      this.setListening(false);
      this.post({ type: 'close' });
    };
  }

  /** A text frame: what it means for the worklet first (in the wire's order), then to main. */
  text(text) {
    let m;
    try { m = JSON.parse(text); } catch { this.post({ type: 'text', text }); return; }
    if (m && m.type === 'audio') { this.toWorklet({ type: 'reset' }); this.listening = true; }
    else if (m && m.type === 'listener' && !m.listener) this.setListening(false);
    else if (m && m.type === 'state' && !m.jack) {
      if (m.listener) this.listening = true; else this.setListening(false);
    }
    this.post({ type: 'message', m });
  }

  setListening(on) {
    this.listening = on;
    if (!on) this.toWorklet({ type: 'reset' });
  }

  toWorklet(m) {
    if (this.port) this.port.postMessage(m);
    else if (m.type === 'reset') this.held = [];
  }

  setPort(port) {
    if (this.port) { this.port.onmessage = null; this.port.close(); }
    this.port = port || null;
    if (!this.port) return;
    this.port.onmessage = (e) => this.fromWorklet(e.data);
    for (const p of this.held) this.toPort(p);
    this.held = [];
  }

  /** A binary frame: a PCM packet (24-byte header, then frames × 2 float32). */
  packet(buffer) {
    if (buffer.byteLength < HEADER_BYTES) { this.stats.badPackets++; return; }
    const h = new DataView(buffer, 0, HEADER_BYTES);
    const frames = h.getUint32(4, true);
    if (h.getUint32(0, true) !== MAGIC || buffer.byteLength !== HEADER_BYTES + frames * 8) { this.stats.badPackets++; return; }
    const p = {
      type: 'packet',
      frames,
      generation: h.getUint32(8, true),
      flags: h.getUint32(12, true),
      position: Number(h.getBigInt64(16, true)),
      samples: new Float32Array(buffer, HEADER_BYTES, frames * 2),
    };
    this.stats.packets++;
    if (this.port) this.toPort(p);
    else if (this.held.length < HOLD_MAX) this.held.push(p);
  }

  toPort(p) { this.port.postMessage(p, [p.samples.buffer]); }

  fromWorklet(m) {
    if (m.type !== 'credit') return;
    const s = this.stats;
    s.underruns = m.underruns;
    s.buffered = m.buffered;
    s.credits++;
    if (s.credits > 10) s.lowest = Math.min(s.lowest ?? Infinity, m.lowest);
    if (this.listening && this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify({ type: 'credit', frames: m.frames, underruns: m.underruns, buffered: m.buffered }));
    }
    const now = performance.now();
    if (now - this.statsAt >= STATS_EVERY_MS) {
      this.statsAt = now;
      this.post({ type: 'stats', ...s });
    }
  }
}

// As a worker: the main thread's messages drive one link.
if (typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope) {
  const link = new Link((m, transfer) => self.postMessage(m, transfer || []));
  self.onmessage = (e) => link.onMain(e.data);
}
