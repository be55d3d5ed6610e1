// SPDX-License-Identifier: GPL-3.0-or-later
// The page's main thread stalls (a long task: a heavy redraw, a garbage
// collection, another tab's work) while the mix plays: the audio does not
// pass through that thread (web/link.js feeds the worklet), so four stalls
// of 200 ms each (four times the stream's fill) lose nothing and cause no
// underrun the fill does not answer (lib.mjs, TapRecorder.since()).
import { startServer, launchBrowser, openConsole, play, sleep, TapRecorder, copySession, fmt, START_MS } from './lib.mjs';

export const title = 'the main thread blocked 4 × 200 ms while playing: the stream holds';

const STALL_MS = 200;

export async function run(t) {
  const session = copySession(t.work, 'tone', 'stall');
  const server = await startServer(t.mixdown, session);
  const browser = await launchBrowser();
  const page = await openConsole(browser, server);
  await play(page);
  const tap = new TapRecorder(page);
  await tap.record(START_MS, 500);
  const started = tap.mark();
  let blocked = 0;
  for (let k = 0; k < 4; k++) {
    blocked += await page.evaluate((ms) => {
      const t0 = performance.now();
      while (performance.now() - t0 < ms) { /* the main thread does nothing else */ }
      return performance.now() - t0;
    }, STALL_MS);
    await sleep(300);
  }
  await tap.record(600, 300);
  const span = tap.join();
  t.check(`the main thread was blocked ${fmt(blocked, 0)} ms in 4 stalls`, blocked >= 4 * STALL_MS, '');
  const during = tap.since(started);
  t.check('the stream held while the main thread stalled: nothing lost, each underrun answered by a deeper fill', during.held,
    `${during.text}; ${fmt(span.left.length / tap.rate, 2)} s tapped`);
}
