// SPDX-License-Identifier: GPL-3.0-or-later
// 60 s of a 32-track session (many.yaml): no underrun (the tap's count and
// the page's credits), no drift: the worklet's buffered fill (read from
// the credits it sends every ~20 ms) never runs dry and never exceeds the
// server's render-ahead maximum (4096 frames), and its mean over the first
// and the last 10 s agree within 256 frames (nothing accumulates or
// drains); the frames tapped keep up with the page's clock.  The server's
// CPU from /proc.
import { join } from 'node:path';
import { startServer, launchBrowser, openConsole, play, takeTap, cpuSeconds, sleep, fmt, FILL_BASE, FILL_STEP, FILL_CEILING, START_MS } from './lib.mjs';

export const title = '60 s of 32 tracks: the stream holds, the fill within its band, no drift, server CPU';
export const timeoutSeconds = 150;
const SECONDS = 60;
const MAX_FILL = FILL_CEILING; // frames: the most the server renders ahead (src/serve/audio.h)

export async function run(t) {
  const server = await startServer(t.mixdown, join(t.work, 'many', 'many.yaml'));
  const browser = await launchBrowser();
  const page = await openConsole(browser, server);
  const audio = page.mdReceived.find((m) => m.type === 'audio');
  // The page's main thread carries the credits: its long tasks (> 50 ms) are
  // printed beside an underrun.
  await page.evaluate(() => {
    window.__mdLong = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__mdLong.push(e.duration); }).observe({ entryTypes: ['longtask'] });
  });
  await play(page);
  await sleep(START_MS); // the start (lib.mjs START_MS)

  let frames = 0, underruns = 0, gaps = 0, lost = 0, next = null;
  const take = async () => {
    for (const p of await takeTap(page, { samples: false })) {
      if (!p.left.length) continue;
      if (next !== null && p.position_frame !== next) gaps++;
      if (next !== null && p.position_frame > next) lost += p.position_frame - next; // (back: the mix resuming after an underrun)
      next = p.position_frame + p.left.length;
      frames += p.left.length;
      underruns = p.underruns;
    }
  };
  await take();
  const underruns0 = underruns; // (any at the start are the start's, not the minute's)
  gaps = 0;
  lost = 0;
  const credits0 = page.mdSent.length, received0 = page.mdReceived.length;
  const cpu0 = cpuSeconds(server.pid), wall0 = performance.now(), frames0 = frames;
  const ctx0 = await page.evaluate(() => performance.now());
  while (performance.now() - wall0 < SECONDS * 1000) {
    await sleep(500);
    await take();
  }
  const cpu = cpuSeconds(server.pid) - cpu0, wall = (performance.now() - wall0) / 1000;
  const pageSeconds = (await page.evaluate(() => performance.now()) - ctx0) / 1000;
  const rate = audio ? audio.rate : 48000;
  const long = await page.evaluate(() => window.__mdLong);
  const cpuPage = await page.evaluate(() => (window.mixdownTap.stats ? window.mixdownTap.stats() : {}));

  const credits = page.mdSent.slice(credits0).filter((m) => m.type === 'credit');
  const fill = credits.map((m) => m.buffered);
  const lo = Math.min(...fill), hi = Math.max(...fill);
  // The target in force at each credit: the `audio` message's, then each `fill` message's.
  const fills = page.mdReceived.filter((m) => m.type === 'fill');
  const targetAt = (ms) => fills.filter((m) => m.at_ms <= ms).reduce((x, m) => m.target_frames, audio ? audio.target_frames : NaN);
  const creditUnderruns = credits.length ? credits[credits.length - 1].underruns - credits[0].underruns : NaN;
  const target = audio ? audio.target_frames : NaN;

  // Each underrun must be answered by a deeper fill (lib.mjs, TapRecorder.since()), nothing lost.
  const targets = (msgs) => msgs.filter((m) => m.type === 'audio' || m.type === 'fill').map((m) => m.target_frames);
  const before = targets(page.mdReceived.slice(0, received0)), during = targets(page.mdReceived.slice(received0));
  const fromTarget = before.length ? before[before.length - 1] : FILL_BASE, toTarget = during.length ? during[during.length - 1] : fromTarget;
  const steps = Math.max(0, Math.round((toTarget - fromTarget) / FILL_STEP));
  t.check(`${SECONDS} s of 32 tracks: the stream held (nothing lost, each underrun answered by a deeper fill)`,
    underruns - underruns0 === creditUnderruns && creditUnderruns <= steps && lost === 0 && toTarget <= FILL_CEILING,
    `tap +${underruns - underruns0} underruns (${underruns0} before), credits +${creditUnderruns}, the fill ${fromTarget} → ${toTarget} frames, ${gaps} breaks in the timeline, ${lost} frames lost; the page's main thread: ` +
    `${long.length} long tasks, the longest ${fmt(Math.max(0, ...long), 0)} ms; fewest frames the worklet held ${cpuPage.lowest ?? '?'}`);
  t.check(`the worklet's buffered fill stays within ${creditUnderruns ? 0 : 1}…${MAX_FILL} frames`, credits.length > 0 && (lo > 0 || creditUnderruns > 0) && hi <= MAX_FILL,
    `${credits.length} credits, buffered min ${lo} max ${hi} frames, server target ${target}${fills.length ? ` then ${fills.map((m) => m.target_frames).join(', ')}` : ''}`);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const tenth = credits.filter((m) => m.at_ms - credits[0].at_ms < 10000).length;
  // (each credit's fill less the target then: a deepened target is not a drift)
  const below = credits.map((m) => m.buffered - targetAt(m.at_ms));
  const first = mean(below.slice(0, tenth)), last = mean(below.slice(-tenth));
  t.check('no drift: the mean fill of the first and the last 10 s agree within 256 frames', Math.abs(last - first) <= 256,
    `${fmt(first, 0)} then ${fmt(last, 0)} frames from the target`);
  const tapped = (frames - frames0) / rate;
  t.check('no drift: the frames played keep up with the clock', Math.abs(tapped - pageSeconds) < 0.25,
    `${fmt(tapped, 3)} s tapped in ${fmt(pageSeconds, 3)} s of the page's clock`);
  t.note(`server CPU: ${fmt(cpu, 2)} s in ${fmt(wall, 1)} s = ${fmt((100 * cpu) / wall, 1)} % of one core (32 tracks, 48 kHz)`);
  t.check('the server\'s CPU was measured', cpu > 0, `${fmt((100 * cpu) / wall, 1)} %`);
}
