// web/audio.js — the page's audio output: an AudioContext at the session's rate, the
// AudioWorklet (worklet.js) holding a ring of frames, and the test tap (window.mixdownTap
// with &tap=1). The PCM packets and the credits do not pass here: the link worker (link.js)
// and the worklet talk through a MessagePort this sets up, so that a busy main thread
// never starves the worklet. Main thread only.

const RING_FRAMES = 16384; // above the deepest fill the server goes to (src/serve/audio.h: MD_SERVE_FILL_CEILING)
// Credits every 5 ms of audio (not 20): the server renders only on credits, so the frames played
// but not yet credited are frames the ring lacks. Measured on the demo (target fill 2048):
// fewest frames held 128-256 with 20 ms (an underrun in one run of 10 s), 384 with 10 ms, 896
// with 5 ms. &credit_ms=N in the URL overrides it (for the bench).
const CREDIT_SECONDS = Number(new URLSearchParams(location.search).get('credit_ms') || 5) / 1000;

/** Frames the worklet holds before it plays (at the start and after running dry): half the
    server's fill. No more: the server sends only the fill ahead of the credits, and packets a
    reset drops may leave the ring short of it, so a prefill near the fill could wait forever
    (tried: a page taking the listener back never started at fill − 512). */
const prefillFor = (targetFrames) => Math.max(256, Math.min(RING_FRAMES / 2, Math.round((targetFrames || 2048) / 2)));

export class AudioOut {
  /** `link`: the link worker (link.js); `onStatus(text)` shows the state. */
  constructor(link, onStatus, tap) {
    this.link = link;
    this.onStatus = onStatus || (() => {});
    this.tapOn = tap;
    this.ctx = null;
    this.node = null;
    this.starting = null;
    this.rate = 0;
    this.listening = false;
    this.stats = { packets: 0, badPackets: 0, underruns: 0, buffered: 0, credits: 0 };
    this.tapBlocks = [];      // {left, right, position} from the worklet, since the last take
    this.tapUnderruns = 0;
    this.flushes = new Map(); // id → resolve
    this.flushId = 0;
    if (tap) this.installTap();
  }

  /** Create the context and the worklet at `rate` (once; a new rate makes a new context). */
  start(rate, targetFrames) {
    if (this.ctx && this.rate === rate) return this.starting;
    this.close();
    this.rate = rate;
    const prefill = prefillFor(targetFrames);
    let ctx;
    try {
      ctx = new AudioContext({ sampleRate: rate, latencyHint: 'interactive' });
    } catch (e) {
      this.onStatus(`no audio: ${e.message}`);
      return Promise.resolve();
    }
    this.ctx = ctx;
    ctx.onstatechange = () => this.report();
    this.starting = ctx.audioWorklet.addModule('worklet.js').then(() => {
      if (this.ctx !== ctx) return;
      const node = new AudioWorkletNode(ctx, 'mixdown-player', {
        numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [2],
        processorOptions: { capacity: RING_FRAMES, prefill, tap: this.tapOn, rate, creditSeconds: CREDIT_SECONDS },
      });
      node.port.onmessage = (e) => this.fromWorklet(e.data);
      node.connect(ctx.destination);
      this.node = node;
      // Packets and credits between the link and the worklet, past the main thread.
      const channel = new MessageChannel();
      node.port.postMessage({ type: 'link', port: channel.port1 }, [channel.port1]);
      this.link.postMessage({ cmd: 'audio', port: channel.port2 }, [channel.port2]);
      this.report();
    }).catch((e) => this.onStatus(`no audio: ${e.message}`));
    this.report();
    return this.starting;
  }

  close() {
    if (this.node) this.link.postMessage({ cmd: 'audio', port: null }); // the link holds packets again
    if (this.ctx) this.ctx.close().catch(() => {});
    this.ctx = null;
    this.node = null;
  }

  /** The first user gesture (and the play button) lets the context run. */
  resume() {
    if (this.ctx && this.ctx.state === 'suspended') this.ctx.resume().then(() => this.report(), () => {});
  }

  report() {
    if (!this.ctx) return;
    const rate = this.ctx.sampleRate === this.rate ? `${this.rate} Hz` : `${this.ctx.sampleRate} Hz (session ${this.rate} Hz)`;
    if (!this.listening) this.onStatus('audio: another page is listening');
    else if (this.ctx.state === 'running') this.onStatus(`audio: ${rate}${this.targetFrames ? `, ${Math.round((1000 * this.targetFrames) / this.rate)} ms ahead` : ''}`);
    else this.onStatus('audio: press play to start it');
  }

  /** An `audio` message: this page is the listener; PCM follows. */
  listen(message) {
    this.listening = true;
    this.targetFrames = message.target_frames;
    this.link.postMessage({ cmd: 'listening', on: true });
    const started = this.start(message.rate, message.target_frames);
    // (the link has reset the worklet, before the packets that follow the message)
    this.report();
    return started;
  }

  /** A `fill` message: the server renders further ahead after this page's underruns (or
      less far after a clean stretch); shown, as it is the delay a move takes to be heard. */
  fill(message) {
    this.targetFrames = message.target_frames;
    if (this.node) this.node.port.postMessage({ type: 'prefill', frames: prefillFor(this.targetFrames) });
    this.report();
  }

  /** A `listener: false` message (another page took over) or a lost connection. */
  unlisten() {
    this.listening = false;
    this.link.postMessage({ cmd: 'listening', on: false }); // the link resets the worklet
    this.report();
  }

  /** The link's counts of packets ({packets, badPackets}, about once a second). */
  linkStats(m) {
    this.stats.packets = m.packets;
    this.stats.badPackets = m.badPackets;
  }

  fromWorklet(m) {
    switch (m.type) {
      case 'stats': // ten times a second (the credits go to the link)
        this.stats.underruns = m.underruns;
        this.stats.buffered = m.buffered;
        this.stats.credits++;
        if (this.stats.credits > 1) this.stats.lowest = Math.min(this.stats.lowest ?? Infinity, m.lowest);
        break;
      case 'tap':
        this.tapBlocks.push(m);
        this.tapUnderruns = m.underruns;
        break;
      case 'flushed': {
        this.tapUnderruns = m.underruns;
        const resolve = this.flushes.get(m.id);
        this.flushes.delete(m.id);
        if (resolve) resolve();
        break;
      }
    }
  }

  /** window.mixdownTap: take() → {rate, left, right, position_frame, underruns, runs} of all
      the audio played (flagged playing) since the previous take, where runs lists its stretches
      of contiguous timeline frames [{offset, frames, position_frame, dry}] (dry: an underrun's
      silence; a jump back after one is the mix resuming where it stopped); flush() → a Promise
      resolved once the worklet has posted everything it kept. */
  installTap() {
    window.mixdownTap = {
      take: () => {
        const blocks = this.tapBlocks;
        this.tapBlocks = [];
        const n = blocks.reduce((a, b) => a + b.left.length, 0);
        const left = new Float32Array(n), right = new Float32Array(n);
        const runs = [];
        let at = 0;
        for (const b of blocks) {
          left.set(b.left, at);
          right.set(b.right, at);
          const run = runs[runs.length - 1];
          if (run && run.position_frame + run.frames === b.position && run.dry === !!b.dry) run.frames += b.left.length;
          else runs.push({ offset: at, frames: b.left.length, position_frame: b.position, dry: !!b.dry });
          at += b.left.length;
        }
        return {
          rate: this.ctx ? this.ctx.sampleRate : this.rate,
          left, right,
          position_frame: blocks.length ? blocks[0].position : -1,
          underruns: this.tapUnderruns,
          runs,
        };
      },
      flush: () => {
        if (!this.node) return Promise.resolve();
        const id = ++this.flushId;
        return new Promise((resolve) => {
          this.flushes.set(id, resolve);
          this.node.port.postMessage({ type: 'flush', id });
        });
      },
      stats: () => ({ ...this.stats, state: this.ctx ? this.ctx.state : 'none', rate: this.ctx ? this.ctx.sampleRate : 0 }),
    };
  }
}
