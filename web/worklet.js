// web/worklet.js — the AudioWorklet that plays the server's PCM (audio rendering thread).
//
// The link worker (link.js) posts each PCM packet ({generation, flags, position, frames,
// samples: interleaved L R Float32Array}) through its own MessagePort (given by the main
// thread as {type: 'link', port}), so that no packet waits on the main thread; they go into
// a ring of `capacity` frames. A packet of a
// newer generation drops what the ring holds (a locate, a new listener); an older one is
// ignored. Playback starts once `prefill` frames are held and restarts the same way after
// running dry (an underrun: silence, counted). Every few ms of audio (options.creditSeconds) it posts a credit
// (frames taken from the ring since the last one, underruns so far, frames held) to the link,
// which sends it to the server; the main thread gets `stats` ten times a second.
//
// Tap (options.tap): every frame output from a packet flagged playing, and the silence of
// an underrun while playing, is kept and posted in blocks of TAP_BLOCK frames with the
// timeline frame of its first frame (a block is all mix or all an underrun's silence,
// flagged `dry`); `flush` posts the partial block, then `flushed`.

const TAP_BLOCK = 1024;
const STATS_EVERY = 20;  // credits between two `stats` to the main thread

class MixdownPlayer extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const o = options.processorOptions || {};
    this.capacity = o.capacity || 8192;
    this.prefill = Math.min(o.prefill || 1024, this.capacity);
    this.left = new Float32Array(this.capacity);
    this.right = new Float32Array(this.capacity);
    this.read = 0;           // ring index of the next frame to play
    this.held = 0;           // frames in the ring
    this.segments = [];      // [{frames, playing, position}] in ring order (what the frames were)
    this.generation = -1;    // -1: take the next packet's generation whatever it is
    this.started = false;    // playing from the ring (false: waiting for prefill)
    this.underruns = 0;
    this.overflows = 0;
    this.lowest = this.capacity; // fewest frames held after a quantum since the last credit (a diagnostic)
    this.playedSinceCredit = 0;
    this.creditEvery = Math.max(128, Math.round((o.rate || sampleRate) * (o.creditSeconds || 0.02)));
    this.sinceCredit = 0;
    this.wasPlaying = false; // the last frame output came from a playing packet
    this.nextPosition = -1;  // timeline frame after the last frame output while playing
    this.tap = !!o.tap;
    this.tapLeft = new Float32Array(TAP_BLOCK);
    this.tapRight = new Float32Array(TAP_BLOCK);
    this.tapCount = 0;
    this.tapPosition = -1;
    this.tapDry = false;     // the block being kept is an underrun's silence
    this.link = null;        // MessagePort to the link worker (packets in, credits out)
    this.credits = 0;
    this.lowestSinceStats = this.capacity;
    this.port.onmessage = (e) => this.onMessage(e.data);
  }

  onMessage(m) {
    switch (m.type) {
      case 'packet': this.push(m); break;
      case 'link':
        this.link = m.port;
        this.link.onmessage = (e) => this.onMessage(e.data);
        break;
      case 'reset': this.drop(); this.generation = -1; break;
      case 'tap': this.tap = !!m.on; break;
      case 'prefill': this.prefill = Math.max(128, Math.min(m.frames, this.capacity)); break;
      case 'flush':
        this.postTap();
        this.port.postMessage({ type: 'flushed', id: m.id, underruns: this.underruns });
        break;
    }
  }

  drop() {
    this.read = 0;
    this.held = 0;
    this.segments.length = 0;
    this.started = false;
    this.wasPlaying = false; // what follows a drop is a new stream, not an underrun
    this.playedSinceCredit = 0; // the server counts a new generation's fill from zero
  }

  push(p) {
    if (this.generation >= 0 && p.generation < this.generation) return; // stale
    if (p.generation !== this.generation) { this.drop(); this.generation = p.generation; }
    let frames = p.frames, offset = 0;
    const s = p.samples;
    if (frames > this.capacity - this.held) {
      // more than the ring holds: keep the newest (should not happen: the server keeps the fill)
      const excess = frames - (this.capacity - this.held);
      this.overflows++;
      this.consume(Math.min(excess, this.held), null, 0);
      if (frames > this.capacity) { offset = frames - this.capacity; frames = this.capacity; }
    }
    let w = (this.read + this.held) % this.capacity;
    for (let i = offset; i < offset + frames; i++) {
      this.left[w] = s[2 * i];
      this.right[w] = s[2 * i + 1];
      if (++w === this.capacity) w = 0;
    }
    this.held += frames;
    const playing = (p.flags & 1) === 1;
    this.segments.push({ frames, playing, position: playing ? p.position + offset : -1 });
  }

  /** Take `n` frames from the ring into outL/outR at `at` (null: discard). */
  consume(n, out, at) {
    let r = this.read;
    let done = 0;
    while (done < n) {
      const seg = this.segments[0];
      const k = Math.min(n - done, seg.frames);
      for (let i = 0; i < k; i++) {
        if (out) {
          const L = this.left[r], R = this.right[r];
          out[0][at + done + i] = L;
          if (out[1]) out[1][at + done + i] = R;
          if (seg.playing) this.keep(L, R, seg.position + i);
        }
        if (++r === this.capacity) r = 0;
      }
      if (out) {
        this.wasPlaying = seg.playing;
        this.nextPosition = seg.playing ? seg.position + k : -1;
      }
      seg.frames -= k;
      if (seg.playing) seg.position += k;
      if (seg.frames === 0) this.segments.shift();
      done += k;
    }
    this.read = r;
    this.held -= n;
  }

  keep(L, R, position, dry = false) {
    if (!this.tap) return;
    // a block holds contiguous frames of one kind only: a jump (locate, loop) or the start or
    // end of an underrun starts a new one
    if (this.tapCount > 0 && (position !== this.tapPosition + this.tapCount || dry !== this.tapDry)) this.postTap();
    if (this.tapCount === 0) { this.tapPosition = position; this.tapDry = dry; }
    this.tapLeft[this.tapCount] = L;
    this.tapRight[this.tapCount] = R;
    if (++this.tapCount === TAP_BLOCK) this.postTap();
  }

  postTap() {
    if (this.tapCount === 0) return;
    const left = this.tapLeft.slice(0, this.tapCount), right = this.tapRight.slice(0, this.tapCount);
    this.port.postMessage({ type: 'tap', left, right, position: this.tapPosition, dry: this.tapDry, underruns: this.underruns },
      [left.buffer, right.buffer]);
    this.tapCount = 0;
  }

  process(_inputs, outputs) {
    const out = outputs[0];
    const n = out[0].length;
    if (!this.started && this.held >= this.prefill) this.started = true;
    let done = 0;
    if (this.started) {
      const k = Math.min(n, this.held);
      this.consume(k, out, 0);
      this.playedSinceCredit += k;
      done = k;
      if (this.held < this.lowest) this.lowest = this.held;
      if (k < n) { this.underruns++; this.started = false; }
    }
    if (done < n) {
      for (const ch of out) ch.fill(0, done);
      // silence while running dry during playback is part of what was played
      if (this.wasPlaying) {
        for (let i = done; i < n; i++) this.keep(0, 0, this.nextPosition >= 0 ? this.nextPosition++ : -1, true);
      }
    }
    this.sinceCredit += n;
    if (this.sinceCredit >= this.creditEvery) {
      const credit = { type: 'credit', frames: this.playedSinceCredit, underruns: this.underruns, buffered: this.held, lowest: this.lowest };
      (this.link || this.port).postMessage(credit);
      this.lowestSinceStats = Math.min(this.lowestSinceStats, this.lowest);
      if (++this.credits % STATS_EVERY === 0) {
        this.port.postMessage({ type: 'stats', underruns: this.underruns, buffered: this.held, lowest: this.lowestSinceStats });
        this.lowestSinceStats = this.capacity;
      }
      this.lowest = this.capacity;
      this.playedSinceCredit = 0;
      this.sinceCredit = 0;
    }
    return true;
  }
}

registerProcessor('mixdown-player', MixdownPlayer);
