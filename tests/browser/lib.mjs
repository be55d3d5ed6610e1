// SPDX-License-Identifier: GPL-3.0-or-later
// What every browser test shares: starting `mixdown serve` (port 0, the URL
// read from its first stdout line), launching Debian's chromium through
// playwright-core with a fresh profile, the page's test tap
// (window.mixdownTap, docs/serve.md), WAV files and the measures the tests
// print (RMS, nulls, levels in dB).  Everything started here is recorded
// and stopped by stopAll() (run.mjs calls it after each test file and on
// exit; run.sh's trap is the last resort).
import { spawn, execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.MIXDOWN_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

const running = new Set(); // {stop()} of every server and browser not yet stopped

export async function stopAll() {
  const all = [...running];
  running.clear();
  await Promise.allSettled(all.map((r) => r.stop()));
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/// Runs a command to its end: {code, stdout, stderr}.
export function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    execFile(cmd, args, { maxBuffer: 64 << 20, ...opts }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/// Runs a command that must succeed; throws with its stderr otherwise.
export async function runOk(cmd, args, opts = {}) {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.code}: ${r.stderr.trim()}`);
  return r;
}

/// `mixdown serve SESSION --port 0 [extra…]`: resolves once the URL is on
/// its first stdout line.  {url, token, port, origin, proc, pid, output(), stop()}.
export function startServer(mixdown, session, extra = []) {
  return new Promise((resolve, reject) => {
    const proc = spawn(mixdown, ['serve', session, '--port', '0', ...extra],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', done = false;
    const server = {
      proc, pid: proc.pid,
      output: () => ({ stdout, stderr }),
      exited: new Promise((r) => proc.on('exit', (code, signal) => r({ code, signal }))),
      async stop() {
        running.delete(server);
        if (proc.exitCode !== null || proc.signalCode !== null) return;
        proc.kill('SIGINT');
        const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await server.exited;
        clearTimeout(t);
      },
    };
    running.add(server);
    const timer = setTimeout(() => {
      if (!done) { done = true; server.stop(); reject(new Error(`mixdown serve printed no URL in 30 s: ${stderr.trim()}`)); }
    }, 30000);
    proc.stdout.on('data', (d) => {
      stdout += d;
      const nl = stdout.indexOf('\n');
      if (!done && nl >= 0) {
        done = true;
        clearTimeout(timer);
        const url = stdout.slice(0, nl).trim();
        const m = /^http:\/\/([^/]+):(\d+)\/\?token=([0-9a-f]+)$/.exec(url);
        if (!m) { server.stop(); reject(new Error(`first stdout line is not the URL: ${JSON.stringify(url)}`)); return; }
        Object.assign(server, { url, host: m[1], port: Number(m[2]), token: m[3], origin: `http://${m[1]}:${m[2]}` });
        resolve(server);
      }
    });
    proc.stderr.on('data', (d) => { stderr += d; });
    // MD_DEBUG_SERVER=1 tests/browser/run.sh …: the server's stderr as it comes (debugging).
    if (process.env.MD_DEBUG_SERVER) proc.stderr.on('data', (d) => process.stderr.write(d));
    proc.on('exit', (code) => {
      if (!done) { done = true; clearTimeout(timer); running.delete(server); reject(new Error(`mixdown serve exited ${code}: ${stderr.trim()}`)); }
    });
  });
}

/// Debian's chromium with a fresh profile: a persistent context (the only
/// way playwright lets a test name --user-data-dir), removed on stop.
export async function launchBrowser(extraArgs = []) {
  const profile = mkdtempSync(join(tmpdir(), 'mixdown-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs],
  });
  const browser = {
    context,
    async stop() {
      running.delete(browser);
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
  running.add(browser);
  return browser;
}

/// Opens the console in a new page of `browser` (tap on unless asked not),
/// records its WebSocket traffic (JSON messages both ways, in page.mdSent /
/// page.mdReceived with the node time of each), and waits for the master
/// strip: the state has arrived and the strips are drawn.
export async function openConsole(browser, server, { tap = true, wait = true, before = null } = {}) {
  const page = await browser.context.newPage();
  if (before) await before(page);
  page.mdErrors = [];
  page.on('pageerror', (e) => page.mdErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') page.mdErrors.push(m.text()); });
  recordSocket(page);
  await page.goto(server.url + (tap ? '&tap=1' : ''));
  if (wait) await page.getByRole('group', { name: 'master', exact: true }).waitFor({ timeout: 20000 });
  return page;
}

function recordSocket(page) {
  page.mdSent = [];
  page.mdReceived = [];
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => { if (typeof f.payload === 'string') push(page.mdSent, f.payload); });
    ws.on('framereceived', (f) => { if (typeof f.payload === 'string') push(page.mdReceived, f.payload); });
  });
  function push(list, text) {
    try { const m = JSON.parse(text); m.at_ms = performance.now(); list.push(m); } catch { /* not JSON */ }
  }
}

/// The strip group named `name`, and a control inside it by role and name.
export const strip = (page, name) => page.getByRole('group', { name, exact: true });
export const control = (scope, role, name) => scope.getByRole(role, { name, exact: true });
/// The strip's own control `name` (gain_db, pan, mute…): the first so named
/// in the strip (the page puts the strip's own controls before its
/// inserts', whose EQ bands have a gain_db too).
export const own = (scope, role, name) => scope.getByRole(role, { name, exact: true }).first();

// ---- the tap --------------------------------------------------------------

/// What the tap holds now, once the worklet has posted all it kept: a
/// list of pieces {rate, left, right, position_frame, dry, underruns}, each
/// a stretch of contiguous timeline frames (dry: an underrun's silence),
/// with Float32Arrays (the bytes travel as base64: exact; with samples:
/// false only {length}).  Pieces a test took inside the page (armKey) come
/// first.
export async function takeTap(page, { samples = true } = {}) {
  const pieces = await page.evaluate(async (samples) => {
    const tap = window.mixdownTap;
    if (!tap) throw new Error('window.mixdownTap is missing (the page was not opened with &tap=1?)');
    if (tap.flush) await tap.flush();
    const all = (window.__mdStash || []).concat([tap.take()]);
    window.__mdStash = [];
    const b64 = (a) => {
      const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
      return btoa(s);
    };
    // Without samples (a long run that counts only): the lengths, no copy.
    const pack = samples ? b64 : (a) => a.length;
    // (an empty take still says the rate and the underruns)
    const runsOf = (t) => (t.runs.length ? t.runs : [{ offset: 0, frames: 0, position_frame: -1, dry: false }]);
    return all.flatMap((t) => runsOf(t).map((r) => ({
      rate: t.rate, position_frame: r.position_frame, dry: r.dry, underruns: t.underruns,
      left: pack(t.left.subarray(r.offset, r.offset + r.frames)), right: pack(t.right.subarray(r.offset, r.offset + r.frames)),
    })));
  }, samples);
  const f32 = (s) => {
    if (typeof s === 'number') return { length: s };
    const b = Buffer.from(s, 'base64');
    return new Float32Array(b.buffer, b.byteOffset, b.length / 4);
  };
  return pieces.map((r) => ({ ...r, left: f32(r.left), right: f32(r.right) }));
}

/// Arms the page to note the timeline frame being played when the next
/// keydown of `key` arrives: the listener (capture phase, before the
/// control's own) flushes the tap and keeps what it took; the frame is the
/// end of that take less the time the flush took (so never later than the
/// key).  keyFrame(page) then gives {frame, flushMs, at} (at:
/// performance.timeOrigin + now(), a clock shared by the pages).
export async function armKey(page, key) {
  await page.evaluate((key) => {
    window.__mdKey = null;
    const onKey = (e) => {
      if (e.key !== key) return;
      window.removeEventListener('keydown', onKey, true);
      const t0 = performance.now(), at = performance.timeOrigin + t0;
      window.mixdownTap.flush().then(() => {
        const t1 = performance.now(), d = window.mixdownTap.take();
        (window.__mdStash = window.__mdStash || []).push(d);
        const last = d.runs[d.runs.length - 1];
        const end = last ? last.position_frame + last.frames : -1;
        window.__mdKey = { end, empty: d.left.length === 0, flushMs: t1 - t0, frame: end - ((t1 - t0) / 1000) * d.rate, at };
      });
    };
    window.addEventListener('keydown', onKey, true);
  }, key);
}

export async function keyFrame(page) {
  await page.waitForFunction(() => window.__mdKey, null, { timeout: 5000 });
  return page.evaluate(() => window.__mdKey);
}

/// Collects the tap in pieces while a test waits: each piece is one take,
/// kept with its timeline position.  join() gives the frames of one
/// contiguous span (throws on a gap).
// The server's fill (src/serve/audio.h): where it starts, the step it deepens by per
// underrun, the deepest it goes.
export const FILL_BASE = 2048, FILL_STEP = 1024, FILL_CEILING = 8192;
/// How long a test lets playback run before it marks the start (TapRecorder.mark()): past
/// the server's grace (MD_SERVE_FILL_GRACE_S: 2 s credited, in which an underrun — the page
/// still loading — does not deepen the fill), so that every underrun after the mark must.
export const START_MS = 2500;

export class TapRecorder {
  constructor(page) { this.page = page; this.pieces = []; }
  /// Takes what the tap holds; returns the timeline frame after the last
  /// one taken (about the frame being played now).
  async take() {
    for (const t of await takeTap(this.page)) {
      if (t.left.length) this.pieces.push(t);
      this.rate = t.rate;
      this.underruns = t.underruns;
    }
    const last = this.pieces[this.pieces.length - 1];
    return last ? last.position_frame + last.left.length : -1;
  }
  /// Where the tap is now (underruns, breaks and messages so far), for since(): what the
  /// start of playback cost (the page still loading: an underrun in the first second of
  /// many runs on a busy 2-core machine) is the start's, not what a test measures.
  mark() {
    return { underruns: this.underruns, breaks: this.runs().gaps.length, received: this.page.mdReceived.length };
  }
  /// What the stream did since mark(): {underruns, breaks, steps, held, text}.  The stream
  /// held when nothing was lost (no break forward in the timeline) and every underrun was
  /// answered by the server with a deeper fill (src/serve/audio.h: MD_SERVE_FILL_STEP frames
  /// per underrun, up to MD_SERVE_FILL_CEILING): a machine whose threads all stall now and
  /// then (this one stalls even a SCHED_FIFO thread for up to 34 ms) cannot promise no
  /// underrun at 43 ms ahead, but a stream that goes on running dry at its deepest fill,
  /// or whose fill does not follow, fails here.
  since(mark) {
    const gaps = this.runs().gaps;
    const breaks = gaps.slice(mark.breaks), underruns = this.underruns - mark.underruns;
    const forward = breaks.filter((g) => { const [a, b] = g.split(' -> ').map(Number); return b > a; });
    const targets = (msgs) => msgs.filter((m) => m.type === 'audio' || m.type === 'fill').map((m) => m.target_frames);
    const before = targets(this.page.mdReceived.slice(0, mark.received)), after = targets(this.page.mdReceived.slice(mark.received));
    const from = before.length ? before[before.length - 1] : FILL_BASE, to = after.length ? after[after.length - 1] : from;
    const steps = Math.max(0, Math.round((to - from) / FILL_STEP));
    const held = forward.length === 0 && underruns <= steps && to <= FILL_CEILING;
    const start = gaps.slice(0, mark.breaks);
    return {
      underruns, breaks, steps, held,
      text: `${underruns} underruns${breaks.length ? ` (breaks in the timeline at ${breaks.join(', ')})` : ''}, ` +
        `the fill ${from === to ? `at ${from}` : `${from} → ${to}`} frames${forward.length ? `; ${forward.length} frames lost` : ''}; ` +
        `${mark.underruns} while starting${start.length ? ` (breaks at ${start.join(', ')})` : ''}`,
    };
  }
  /// Takes every `everyMs` for `ms`.
  async record(ms, everyMs = 1000) {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      await sleep(Math.min(everyMs, Math.max(0, end - performance.now())));
      await this.take();
    }
  }
  /// The longest run of pieces that follow one another frame by frame, as
  /// one span {position_frame, left, right, gaps}: gaps lists every break
  /// ("A -> B": a piece at timeline frame B after one ending at A; an
  /// underrun's silence counts as played, so the frames after it come
  /// again) — none when the tap is whole.
  join() {
    const { runs, gaps } = this.runs();
    const best = runs.reduce((a, r) => (r.reduce((s, p) => s + p.left.length, 0) > a.reduce((s, p) => s + p.left.length, 0) ? r : a), []);
    return { ...spanOf(best), gaps };
  }
  /// Every run of pieces of mix that follow one another, each as a span (join() gives the
  /// longest, underruns' silence included): after a break or an underrun, what was tapped
  /// on either side still measures, and no span holds an underrun's silence.
  spans() {
    const spans = [];
    for (const run of this.runs().runs) {
      let mix = [];
      for (const p of run) {
        if (!p.dry) { mix.push(p); continue; }
        if (mix.length) spans.push(spanOf(mix));
        mix = [];
      }
      if (mix.length) spans.push(spanOf(mix));
    }
    return spans;
  }
  runs() {
    const gaps = [], runs = [];
    let run = [];
    for (const p of this.pieces) {
      const last = run[run.length - 1];
      if (last && p.position_frame !== last.position_frame + last.left.length) {
        gaps.push(`${last.position_frame + last.left.length} -> ${p.position_frame}`);
        runs.push(run);
        run = [];
      }
      run.push(p);
    }
    runs.push(run);
    return { runs, gaps };
  }
}

/// A run of contiguous pieces as one {position_frame, left, right}.
function spanOf(run) {
  const n = run.reduce((s, p) => s + p.left.length, 0);
  const left = new Float32Array(n), right = new Float32Array(n);
  let at = 0;
  for (const p of run) { left.set(p.left, at); right.set(p.right, at); at += p.left.length; }
  return { position_frame: run.length ? run[0].position_frame : -1, left, right };
}

// ---- WAV ------------------------------------------------------------------

/// Reads a PCM or float WAV: {rate, channels: [Float32Array…]}.
export function readWav(path) {
  const b = readFileSync(path);
  if (b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${path}: not a WAV`);
  let at = 12, fmt = null, data = null;
  while (at + 8 <= b.length) {
    const id = b.toString('ascii', at, at + 4), size = b.readUInt32LE(at + 4);
    if (id === 'fmt ') fmt = { format: b.readUInt16LE(at + 8), channels: b.readUInt16LE(at + 10), rate: b.readUInt32LE(at + 12), bits: b.readUInt16LE(at + 22) };
    if (id === 'fmt ' && fmt.format === 0xfffe) fmt.format = b.readUInt16LE(at + 32);
    if (id === 'data') data = b.subarray(at + 8, at + 8 + size);
    at += 8 + size + (size & 1);
  }
  if (!fmt || !data) throw new Error(`${path}: no fmt or data chunk`);
  const bytes = fmt.bits / 8, frames = Math.floor(data.length / (bytes * fmt.channels));
  const ch = Array.from({ length: fmt.channels }, () => new Float32Array(frames));
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < fmt.channels; c++) {
      const o = (i * fmt.channels + c) * bytes;
      let v;
      if (fmt.format === 3) v = bytes === 4 ? data.readFloatLE(o) : data.readDoubleLE(o);
      else if (bytes === 2) v = data.readInt16LE(o) / 32768;
      else if (bytes === 3) v = data.readIntLE(o, 3) / 8388608;
      else v = data.readInt32LE(o) / 2147483648;
      ch[c][i] = v;
    }
  }
  return { rate: fmt.rate, channels: ch };
}

/// Writes a 32-bit float WAV of Float32Array channels.
export function writeWav(path, rate, channels) {
  const n = channels[0].length, c = channels.length, dataBytes = n * c * 4;
  const b = Buffer.alloc(44 + dataBytes);
  b.write('RIFF', 0, 'ascii'); b.writeUInt32LE(36 + dataBytes, 4); b.write('WAVE', 8, 'ascii');
  b.write('fmt ', 12, 'ascii'); b.writeUInt32LE(16, 16); b.writeUInt16LE(3, 20); b.writeUInt16LE(c, 22);
  b.writeUInt32LE(rate, 24); b.writeUInt32LE(rate * c * 4, 28); b.writeUInt16LE(c * 4, 32); b.writeUInt16LE(32, 34);
  b.write('data', 36, 'ascii'); b.writeUInt32LE(dataBytes, 40);
  let o = 44;
  for (let i = 0; i < n; i++) for (let k = 0; k < c; k++) { b.writeFloatLE(channels[k][i], o); o += 4; }
  writeFileSync(path, b);
}

// ---- measures -------------------------------------------------------------

export const db = (ratio) => 20 * Math.log10(ratio);
export const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));

/// RMS of the frames [from, to) of both channels together.
export function rms(left, right, from = 0, to = left.length) {
  let s = 0;
  for (let i = from; i < to; i++) s += left[i] * left[i] + right[i] * right[i];
  return Math.sqrt(s / Math.max(1, 2 * (to - from)));
}

/// The difference of the tapped span (frames [from, to) of `tap`, whose
/// first frame is timeline frame tap.position_frame) and a render (its
/// frame 0 is timeline frame render.start, 0 when not given):
/// {residualDb (RMS of the difference relative to the render's),
/// residualDbfs, levelDb (tap's level minus the render's), bitExact, maxAbs}.
export function compareToRender(tap, from, to, render) {
  const [L, R] = render.channels.length > 1 ? render.channels : [render.channels[0], render.channels[0]];
  const start = render.start || 0;
  let d = 0, ref = 0, lvl = 0, maxAbs = 0, exact = true;
  for (let i = from; i < to; i++) {
    const f = tap.position_frame + i - start;
    const inside = f >= 0 && f < L.length;
    const rl = inside ? L[f] : 0, rr = inside ? R[f] : 0;
    const dl = tap.left[i] - rl, dr = tap.right[i] - rr;
    if (dl !== 0 || dr !== 0) exact = false;
    d += dl * dl + dr * dr; ref += rl * rl + rr * rr; lvl += tap.left[i] ** 2 + tap.right[i] ** 2;
    maxAbs = Math.max(maxAbs, Math.abs(dl), Math.abs(dr));
  }
  const n = 2 * Math.max(1, to - from);
  return {
    residualDb: db(Math.sqrt(d / Math.max(ref, 1e-300))),
    residualDbfs: db(Math.sqrt(d / n)),
    levelDb: db(Math.sqrt(lvl / Math.max(ref, 1e-300))),
    bitExact: exact, maxAbs,
  };
}

/// The same measures between two renders over timeline frames [from, to):
/// `a` against the reference `b`.
export function compareRenders(a, b, from, to) {
  const start = a.start || 0, L = a.channels[0], R = a.channels[1] || L;
  const tap = { position_frame: from, left: L.subarray(from - start, to - start), right: R.subarray(from - start, to - start) };
  return compareToRender(tap, 0, to - from, b);
}

/// `mixdown render SESSION` as 32-bit float (no dither): the WAV read back.
export async function render(mixdown, session, out, extra = []) {
  await runOk(mixdown, ['render', session, '-o', out, '--bits', 'float', '-q', ...extra]);
  return readWav(out);
}

/// CPU seconds (user + system) a process has used, from /proc/PID/stat.
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

// ---- the console's page -----------------------------------------------------

/// Waits for a JSON message from the server that `pred` accepts, received
/// after index `since` of page.mdReceived; returns it.
export async function waitMessage(page, pred, { since = 0, timeoutMs = 10000, what = 'a message' } = {}) {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const m = page.mdReceived.slice(since).find(pred);
    if (m) return m;
    if (performance.now() > end) throw new Error(`no ${what} from the server in ${timeoutMs / 1000} s`);
    await sleep(20);
  }
}

/// Presses play and waits until the tap has frames: the stream runs.
export async function play(page) {
  await page.getByRole('button', { name: 'play', exact: true }).click();
  const end = performance.now() + 15000;
  for (;;) {
    const n = await page.evaluate(async () => { await window.mixdownTap.flush(); return window.mixdownTap.take().left.length; });
    if (n > 0) return;
    if (performance.now() > end) throw new Error('play: the tap got nothing in 15 s');
    await sleep(50);
  }
}

/// A slider's value: its aria-valuenow as a number.
export async function valueOf(locator) {
  return Number(await locator.getAttribute('aria-valuenow'));
}

/// Sets a slider by typed entry from the keyboard: focus, Enter opens the
/// entry, the value typed over the selection, Enter sets it.
export async function typeValue(page, slider, value) {
  await slider.focus();
  await page.keyboard.press('Enter');
  await page.keyboard.type(String(value));
  await page.keyboard.press('Enter');
}

/// Waits until `locator`'s attribute `name` satisfies `pred` (a value
/// shown): true, or false after timeoutMs.
export async function waitAttr(locator, name, pred, timeoutMs = 5000) {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const v = await locator.getAttribute(name).catch(() => null);
    if (v !== null && pred(v)) return true;
    if (performance.now() > end) return false;
    await sleep(20);
  }
}

/// The lines of two texts that differ (same number of lines assumed; a
/// different count is reported as such).
export function changedLines(before, after) {
  const a = before.split('\n'), b = after.split('\n');
  if (a.length !== b.length) return { count: Math.abs(a.length - b.length) + 1000, lines: [`${a.length} lines became ${b.length}`] };
  const lines = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) lines.push(`${i + 1}: ${JSON.stringify(a[i])} -> ${JSON.stringify(b[i])}`);
  return { count: lines.length, lines };
}

/// Copies a session folder of the work tree (sessions.mjs) for a test that
/// edits or saves: returns the copy's session path.
export function copySession(work, name, as) {
  const to = join(work, as);
  cpSync(join(work, name), to, { recursive: true });
  return join(to, `${name}.yaml`);
}

/// Level in dB (RMS) per block of `block` frames, both channels.
export function blockLevels(left, right, block) {
  const out = [];
  for (let i = 0; i + block <= left.length; i += block) out.push(db(rms(left, right, i, i + block)));
  return out;
}

/// When a null fails: the lag (in frames, the render's frame = the tap's
/// position + lag) within ±maxLag where the tap matches the render best,
/// over `frames` from the tap's frame `from`: {lag, residualDb}.
export function bestLag(tap, render, from, frames = 4800, maxLag = 8192) {
  const L = render.channels[0], start = render.start || 0;
  let best = { lag: 0, residualDb: Infinity };
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let d = 0, ref = 0;
    for (let i = from; i < from + frames; i++) {
      const f = tap.position_frame + i + lag - start;
      const r = f >= 0 && f < L.length ? L[f] : 0;
      const x = tap.left[i] - r;
      d += x * x; ref += r * r;
    }
    const res = db(Math.sqrt(d / Math.max(ref, 1e-300)));
    if (res < best.residualDb) best = { lag, residualDb: res };
  }
  return best;
}
