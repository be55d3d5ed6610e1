// SPDX-License-Identifier: GPL-3.0-or-later
// The page's speed for bench/serve.sh: Debian's chromium (headless, through
// playwright-core from tests/browser/node_modules) opens the console at URL,
// presses play, and measures for SECONDS:
//   - frames/s: requestAnimationFrame callbacks a second (every meter redraw
//     happens in one: the rate the page can draw at) and the longest frame;
//   - meters messages/s handled: the meters messages the page's WebSocket
//     delivered to the page (a saturated main thread delivers them late and
//     fewer a second: the server sends ~30);
//   - the first full draw: from the navigation's start to the first frame
//     drawn with every strip of the state on the page (the state's build,
//     its layout and paint), and the longest task until then.
// Prints one line.
//
//   node bench/serve_page.mjs URL SECONDS STRIPS
//   environment: BENCH_SERVE_WEB=DIR  the page's assets (*.js, *.css) from DIR
//                instead of the server's (to compare two versions of web/ on
//                one server: the before and after of bench/RESULTS.md)
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const [url, secondsText, strips] = process.argv.slice(2);
const seconds = Number(secondsText || 10);
const webDir = process.env.BENCH_SERVE_WEB || '';
const { chromium } = await import(new URL('../tests/browser/node_modules/playwright-core/index.mjs', import.meta.url));

const browser = await chromium.launch({
  executablePath: process.env.MIXDOWN_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--autoplay-policy=no-user-gesture-required'],
});
try {
  const page = await browser.newPage();
  if (webDir) {
    await page.route(/\/[a-z0-9_]+\.(js|css)(\?.*)?$/, (route) => {
      const file = join(webDir, new URL(route.request().url()).pathname);
      if (!existsSync(file)) return route.continue();
      return route.fulfill({ contentType: file.endsWith('.css') ? 'text/css' : 'text/javascript', body: readFileSync(file) });
    });
  }
  // Counts the meters messages every WebSocket of the page delivers (this listener is
  // the socket's first: it runs in the same task as the page's own handler), and notes
  // the first frame drawn with the master strip (the state's last) on the page.
  await page.addInitScript(() => {
    window.benchMeters = 0;
    window.benchLongest = 0;
    window.benchFirstDraw = 0;
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (e) => {
          if (typeof e.data === 'string' && e.data.startsWith('{"type":"meters"')) window.benchMeters++;
        });
      }
    };
    try {
      new PerformanceObserver((list) => {
        for (const t of list.getEntries()) if (!window.benchFirstDraw) window.benchLongest = Math.max(window.benchLongest, t.duration);
      }).observe({ type: 'longtask', buffered: true });
    } catch { /* no long tasks: the figure stays 0 */ }
    const watch = () => {
      if (document.querySelector('.md-strip.master')) {
        // this frame draws it; the next frame's start is after it was painted
        requestAnimationFrame(() => { window.benchFirstDraw = performance.now(); });
      } else {
        requestAnimationFrame(watch);
      }
    };
    requestAnimationFrame(watch);
  });
  await page.goto(url);
  // The console's strips (a page without them yet is measured all the
  // same, and says how many meters it showed).
  const drawn = await page.getByRole('group', { name: 'master' }).waitFor({ timeout: 60000 }).then(() => true, () => false);
  if (drawn) await page.waitForFunction(() => window.benchFirstDraw > 0, null, { timeout: 60000 }).catch(() => {});
  const load = await page.evaluate(() => ({ firstDraw: window.benchFirstDraw, longest: window.benchLongest }));
  const shown = await page.getByRole('meter', { name: 'peak' }).count();
  await page.getByRole('button', { name: 'play' }).click({ timeout: 5000 }).catch(() => {});
  await page.waitForTimeout(1000);
  const result = await page.evaluate((ms) => new Promise((resolve) => {
    let frames = 0;
    let longest = 0;
    let last = performance.now();
    const meters0 = window.benchMeters;
    const start = last;
    const tick = (now) => {
      frames++;
      longest = Math.max(longest, now - last);
      last = now;
      if (now - start < ms) requestAnimationFrame(tick);
      else resolve({ frames, longest, meters: window.benchMeters - meters0, span: now - start });
    };
    requestAnimationFrame(tick);
  }), seconds * 1000);
  const s = result.span / 1000;
  console.log(`page: ${strips} tracks (${shown} peak meters shown): ${(result.frames / s).toFixed(1)} frames/s ` +
    `(longest frame ${result.longest.toFixed(1)} ms), ${(result.meters / s).toFixed(1)} meters messages/s handled ` +
    `over ${s.toFixed(1)} s; ` + (load.firstDraw > 0 ? `first full draw ${(load.firstDraw / 1000).toFixed(2)} s after navigation ` +
    `(longest task before it ${load.longest.toFixed(0)} ms)` : 'no strips drawn') + `${webDir ? ` [web/ from ${webDir}]` : ''}`);
} finally {
  await browser.close();
}
