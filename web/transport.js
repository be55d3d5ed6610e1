// web/transport.js — the transport bar: play, stop, the position, a timeline to locate
// on (click, ←/→) and to draw a loop range on (drag), the loop toggle; Space toggles
// play/stop. It sends `transport` messages and shows `transport` messages. Main thread.

/** m:ss.mmm of a time in seconds. */
export function clock(seconds) {
  const s = Math.max(0, seconds || 0);
  const m = Math.floor(s / 60);
  const rest = s - m * 60;
  return `${m}:${rest.toFixed(3).padStart(6, '0')}`;
}

export class Transport {
  /** `send(type, payload)`; `onPlay()` is called on the play button (to resume audio). */
  constructor(container, send, onPlay) {
    this.send = send;
    this.onPlay = onPlay;
    this.length = 0;
    this.playing = false;
    this.position = 0;
    this.loop = null;       // [from, to] while looping
    this.range = null;      // the range drawn last (kept when the loop is off)
    this.build(container);
  }

  build(box) {
    const button = (name, text, title, onclick) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = `t-${name}`;
      b.textContent = text;
      b.setAttribute('aria-label', name);
      b.title = title;
      b.onclick = onclick;
      b.dataset.transport = '1';
      return b;
    };
    this.playButton = button('play', '\u25b6', 'Play (Space)', () => this.play());
    this.stopButton = button('stop', '\u25a0', 'Stop (Space)', () => this.stop());
    this.loopButton = button('loop', '\u27f3', 'Loop the range drawn on the timeline (drag on it, or [ and ] at the position; L toggles)', () => this.toggleLoop());
    this.loopButton.setAttribute('aria-pressed', 'false');
    this.playButton.setAttribute('aria-pressed', 'false');

    this.time = document.createElement('output');
    this.time.className = 'clock';
    this.time.setAttribute('aria-label', 'position');
    this.time.textContent = clock(0);

    // The timeline: role=slider over the song's length, in seconds.
    this.timeline = document.createElement('div');
    this.timeline.className = 'timeline';
    this.timeline.setAttribute('role', 'slider');
    this.timeline.setAttribute('tabindex', '0');
    this.timeline.setAttribute('aria-label', 'timeline');
    this.timeline.setAttribute('aria-valuemin', '0');
    this.timeline.title = 'Click to locate, drag to draw a loop range, \u2190/\u2192 to step (Shift: 10 s)';
    this.loopBox = document.createElement('div');
    this.loopBox.className = 'loop-range';
    this.head = document.createElement('div');
    this.head.className = 'playhead';
    this.timeline.append(this.loopBox, this.head);
    this.timeline.onpointerdown = (e) => this.onPointerDown(e);
    this.timeline.onkeydown = (e) => {
      if (e.key === 'Home') { e.preventDefault(); this.locate(0); }
      else if (e.key === 'End') { e.preventDefault(); this.locate(this.length); }
    };

    box.append(this.playButton, this.stopButton, this.time, this.timeline, this.loopButton);
  }

  /** A new state: the song's length and where the transport is. */
  setState(state) {
    this.length = state.length_s || 0;
    this.timeline.setAttribute('aria-valuemax', String(this.length));
    this.update(state.transport || {});
  }

  /** A `transport` message. */
  update(t) {
    if (typeof t.playing === 'boolean') this.playing = t.playing;
    if (typeof t.position_s === 'number') this.position = t.position_s;
    if (t.loop !== undefined) {
      this.loop = Array.isArray(t.loop) ? t.loop : null;
      if (this.loop) this.range = this.loop;
    }
    this.render();
  }

  render() {
    const len = this.length > 0 ? this.length : 1;
    this.head.style.setProperty('--at', String(Math.min(1, this.position / len)));
    this.time.textContent = clock(this.position);
    this.timeline.setAttribute('aria-valuenow', String(Math.round(this.position * 1000) / 1000));
    this.timeline.setAttribute('aria-valuetext', clock(this.position));
    this.playButton.setAttribute('aria-pressed', String(this.playing));
    this.playButton.classList.toggle('on', this.playing);
    this.loopButton.setAttribute('aria-pressed', String(!!this.loop));
    this.loopButton.classList.toggle('on', !!this.loop);
    const r = this.range;
    this.loopBox.hidden = !r;
    this.loopBox.classList.toggle('active', !!this.loop);
    if (r) {
      this.loopBox.style.setProperty('--from', String(r[0] / len));
      this.loopBox.style.setProperty('--to', String(r[1] / len));
    }
  }

  play() {
    if (this.onPlay) this.onPlay();
    this.send('transport', { action: 'play' });
  }

  stop() { this.send('transport', { action: 'stop' }); }

  toggle() { if (this.playing) this.stop(); else this.play(); }

  locate(seconds) {
    const s = Math.max(0, Math.min(this.length || Infinity, seconds));
    this.position = s;
    this.render();
    this.send('transport', { action: 'locate', position_s: Math.round(s * 1000) / 1000 });
  }

  /** ←/→: a second (Shift: ten) back or forward. */
  step(direction, big) { this.locate(this.position + direction * (big ? 10 : 1)); }

  toggleLoop() {
    if (this.loop) { this.send('transport', { action: 'loop' }); return; }
    const r = this.range || [0, this.length];
    if (!(r[1] > r[0])) return;
    this.send('transport', { action: 'loop', from_s: r[0], to_s: r[1] });
  }

  /** `[` / `]`: the loop range starts / ends at the position (looping once both are set). */
  mark(end) {
    const t = Math.round(this.position * 1000) / 1000;
    const r = this.range ? [...this.range] : [0, this.length];
    if (end) r[1] = t; else r[0] = t;
    if (r[1] <= r[0]) { if (end) r[0] = 0; else r[1] = this.length; }
    this.range = r;
    this.render();
    if (this.loop) this.send('transport', { action: 'loop', from_s: r[0], to_s: r[1] });
  }

  timeAt(clientX) {
    const rect = this.timeline.getBoundingClientRect();
    const f = Math.min(1, Math.max(0, (clientX - rect.left) / Math.max(1, rect.width)));
    return Math.round(f * this.length * 1000) / 1000;
  }

  /** Click: locate. Drag: draw a loop range (and loop it). */
  onPointerDown(e) {
    if (e.button !== 0) return;
    e.preventDefault();
    this.timeline.focus();
    const start = this.timeAt(e.clientX), x0 = e.clientX;
    let dragging = false;
    this.timeline.setPointerCapture(e.pointerId);
    this.timeline.onpointermove = (ev) => {
      if (!dragging && Math.abs(ev.clientX - x0) < 4) return;
      dragging = true;
      const t = this.timeAt(ev.clientX);
      this.range = [Math.min(start, t), Math.max(start, t)];
      this.render();
    };
    this.timeline.onpointerup = this.timeline.onpointercancel = () => {
      this.timeline.onpointermove = this.timeline.onpointerup = this.timeline.onpointercancel = null;
      if (!dragging) { this.locate(start); return; }
      const [a, b] = this.range;
      if (b - a > 0.05) this.send('transport', { action: 'loop', from_s: a, to_s: b });
    };
  }
}

