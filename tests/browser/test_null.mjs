// SPDX-License-Identifier: GPL-3.0-or-later
// The demo played with no moves: 10 s of what the tap recorded null against
// `mixdown render` of the same span (aligned by the tap's position_frame;
// below -90 dB or bit-exact), and played to its end, the master's
// integrated loudness equals `mixdown analyze`'s within 0.1 LU.
import { join } from 'node:path';
import {
  startServer, launchBrowser, openConsole, play, TapRecorder, render, runOk, compareToRender,
  bestLag, sleep, fmt, START_MS } from './lib.mjs';

export const title = 'the demo with no moves: null against render; master loudness against analyze';
export const timeoutSeconds = 120;

export async function run(t) {
  const session = join(t.work, 'demo', 'demo.yaml');
  const server = await startServer(t.mixdown, session);
  const browser = await launchBrowser();
  const page = await openConsole(browser, server);
  const state = page.mdReceived.find((m) => m.type === 'state');
  const length = state ? state.length_s : NaN;

  const since = page.mdReceived.length;
  await play(page);
  const tap = new TapRecorder(page);
  await tap.record(START_MS, 500);
  const started = tap.mark();
  // To the end of the song: the transport says it stopped (or the length has passed).
  const end = performance.now() + (length + 10) * 1000;
  // (a `playing: false` from before the play — the server says where it is once a second while
  // stopped — is not the end: the end is the first one after a `playing: true`)
  let stopped = null;
  while (!stopped && performance.now() < end) {
    await tap.record(1000, 1000);
    const after = page.mdReceived.slice(since);
    const started = after.findIndex((m) => m.type === 'transport' && m.playing === true);
    stopped = started < 0 ? null : after.slice(started).find((m) => m.type === 'transport' && m.playing === false);
  }
  await sleep(300);
  await tap.take();
  t.check('playback stops at the end of the song', !!stopped, `length ${fmt(length, 3)} s`);

  // Null over the first 10 s of mix tapped, run by run (an underrun's silence ends a run: it
  // is counted below, not nulled; each run is compared at its own timeline frames).
  const spans = tap.spans();
  const span = spans.reduce((a, s) => (s.left.length > a.left.length ? s : a));
  const rate = tap.rate;
  await server.stop();
  const reference = await render(t.mixdown, session, join(t.work, 'null-render.wav'));
  let frames = 0, worst = null;
  for (const s of spans) {
    const n = Math.min(s.left.length, 10 * rate - frames);
    if (n <= 0) break;
    const d = compareToRender(s, 0, n, reference);
    if (!worst || (!d.bitExact && (worst.bitExact || d.residualDb > worst.residualDb))) worst = d;
    frames += n;
  }
  const c = worst;
  const nulls = frames === 10 * rate && (c.bitExact || c.residualDb < -90);
  let why = '';
  if (!nulls && frames > rate) {
    const b = bestLag(span, reference, Math.min(frames - 4800, rate));
    why = `; the best match is the render ${b.lag} frames later (${fmt(b.residualDb)} dB there)`;
  }
  t.check('10 s of the tap null against mixdown render (below -90 dB or bit-exact)', nulls,
    `${frames} frames in ${spans.length} run${spans.length === 1 ? '' : 's'} from timeline frame ${spans[0].position_frame}, the worst: ${c.bitExact ? 'bit-exact' : `residual ${fmt(c.residualDb)} dB (${fmt(c.residualDbfs)} dBFS), largest difference ${c.maxAbs.toExponential(2)}`}${why}`);
  const playing = tap.since(started);
  t.check('the stream held: nothing lost, each underrun answered by a deeper fill', playing.held, playing.text);

  // Loudness: the last meters message before the stop, against analyze.
  const meters = page.mdReceived.slice(since).filter((m) => m.type === 'meters' && m.master && (!stopped || m.at_ms <= stopped.at_ms + 200));
  const live = meters.length ? meters[meters.length - 1].master.integrated : NaN;
  const analyzed = JSON.parse((await runOk(t.mixdown, ['analyze', session, '--json'])).stdout).integrated_lufs;
  t.check('master integrated loudness at the end equals analyze within 0.1 LU', Math.abs(live - analyzed) <= 0.1,
    `page ${fmt(live, 2)} LUFS, analyze ${fmt(analyzed, 2)} LUFS`);
}
