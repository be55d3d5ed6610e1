// SPDX-License-Identifier: GPL-3.0-or-later
// The page's frame rate for bench/serve.sh: Debian's chromium (headless,
// through playwright-core from tests/browser/node_modules) opens the
// console at URL, presses play, and counts for SECONDS the
// requestAnimationFrame callbacks (the rate the page can draw at: every
// meter redraw happens in one) and the meters messages that reach the
// page; prints one line.
//
//   node bench/serve_page.mjs URL SECONDS STRIPS
const [url, secondsText, strips] = process.argv.slice(2);
const seconds = Number(secondsText || 10);
const { chromium } = await import(new URL('../tests/browser/node_modules/playwright-core/index.mjs', import.meta.url));

const browser = await chromium.launch({
  executablePath: process.env.MIXDOWN_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--autoplay-policy=no-user-gesture-required'],
});
try {
  const page = await browser.newPage();
  // Counts the meters messages every WebSocket of the page receives.
  await page.addInitScript(() => {
    window.benchMeters = 0;
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (e) => {
          if (typeof e.data === 'string' && e.data.startsWith('{"type":"meters"')) window.benchMeters++;
        });
      }
    };
  });
  await page.goto(url);
  // The console's strips (a page without them yet is measured all the
  // same, and says how many meters it showed).
  await page.getByRole('group', { name: 'master' }).waitFor({ timeout: 30000 }).catch(() => {});
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
    `(longest frame ${result.longest.toFixed(1)} ms), ${(result.meters / s).toFixed(1)} meters messages/s ` +
    `over ${s.toFixed(1)} s`);
} finally {
  await browser.close();
}
