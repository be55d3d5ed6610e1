// SPDX-License-Identifier: GPL-3.0-or-later
// The page's main thread blocked for 200 ms, STALLS times, while the demo
// plays: the audio path (link worker ↔ worklet, web/link.js) does not go
// through that thread, so the worklet never runs dry: no underrun (the
// tap's count and the credits'), the tap whole across the stalls (no break
// in its timeline) and nulling against `mixdown render` of the same span.
import { join } from 'node:path';
import {
  startServer, launchBrowser, openConsole, play, TapRecorder, render, compareToRender, sleep, fmt,
} from './lib.mjs';

export const title = 'the main thread blocked 200 ms at a time while playing: no underrun, the tap whole';
export const timeoutSeconds = 120;

const STALLS = 6;
const STALL_MS = 200;
const BETWEEN_MS = 500;

export async function run(t) {
  const session = join(t.work, 'demo', 'demo.yaml');
  const server = await startServer(t.mixdown, session);
  const browser = await launchBrowser();
  const page = await openConsole(browser, server);
  await play(page);
  const tap = new TapRecorder(page);
  await sleep(1000);
  await tap.take();
  const before = tap.underruns;
  const sent0 = page.mdSent.length;

  const blocked = [];
  for (let i = 0; i < STALLS; i++) {
    blocked.push(await page.evaluate((ms) => {
      const t0 = performance.now();
      while (performance.now() - t0 < ms) { /* the main thread does nothing else */ }
      return performance.now() - t0;
    }, STALL_MS));
    await sleep(BETWEEN_MS);
    if (i % 2 === 1) await tap.take();
  }
  await sleep(300);
  await tap.take();
  const credits = page.mdSent.slice(sent0).filter((m) => m.type === 'credit');
  await server.stop();

  const span = tap.join();
  const rate = tap.rate;
  t.check(`the main thread was blocked ${STALLS} times ≥ ${STALL_MS} ms`, blocked.length === STALLS && Math.min(...blocked) >= STALL_MS,
    `${blocked.map((ms) => fmt(ms, 0)).join(', ')} ms`);
  const creditUnderruns = credits.length ? credits[credits.length - 1].underruns - credits[0].underruns : NaN;
  t.check('no underrun across the stalls', tap.underruns - before === 0 && creditUnderruns === 0,
    `tap +${tap.underruns - before} underruns (${before} before), credits +${creditUnderruns} (${credits.length} credits)`);
  const wanted = ((STALLS * (STALL_MS + BETWEEN_MS)) / 1000) * rate;
  t.check('the tap is whole across the stalls (no break in its timeline)', span.gaps.length === 0 && span.left.length >= wanted,
    `${span.left.length} frames (${fmt(span.left.length / rate, 2)} s) from timeline frame ${span.position_frame}` +
    `${span.gaps.length ? `; breaks at ${span.gaps.join(', ')}` : ''}`);

  const reference = await render(t.mixdown, session, join(t.work, 'stall-render.wav'));
  const c = compareToRender(span, 0, span.left.length, reference);
  t.check('what was tapped nulls against mixdown render (below -90 dB or bit-exact)', span.left.length > 0 && (c.bitExact || c.residualDb < -90),
    c.bitExact ? `bit-exact over ${span.left.length} frames` : `residual ${fmt(c.residualDb)} dB over ${span.left.length} frames`);
}
