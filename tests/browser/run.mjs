// SPDX-License-Identifier: GPL-3.0-or-later
// Runs the browser tests: node run.mjs MIXDOWN WORKDIR [TEST…]
// Each test_NAME.mjs exports `title` and `run(t)`; t.check(name, pass,
// measured) prints `ok N - name (measured)` or `not ok N - …`, t.skip(name,
// why) `skip N - name: why`.  A test that throws or overruns its time
// is one failure; whatever it started is stopped before the next.  The last
// line: `browser: N passed, N failed, N skipped`.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopAll } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const [mixdown, work, ...only] = process.argv.slice(2);
if (!mixdown || !work) {
  console.error('usage: node run.mjs MIXDOWN WORKDIR [TEST…]');
  process.exit(2);
}

let n = 0, passed = 0, failed = 0, skipped = 0;
const t = {
  mixdown, work,
  check(name, pass, measured = '') {
    n++;
    const line = `${name}${measured !== '' ? ` (${measured})` : ''}`;
    if (pass) { passed++; console.log(`ok ${n} - ${line}`); } else { failed++; console.log(`not ok ${n} - ${line}`); }
    return pass;
  },
  skip(name, why) { n++; skipped++; console.log(`skip ${n} - ${name}: ${why}`); },
  note(text) { console.log(`# ${text}`); },
};

// The tests `make test` runs, quickest first (the minute of playback last).
const RUN = ['test_security.mjs', 'test_two_pages.mjs', 'test_reconnect.mjs', 'test_fader.mjs', 'test_stall.mjs', 'test_listener.mjs',
  'test_panels.mjs', 'test_null.mjs', 'test_edits.mjs', 'test_long.mjs'];
const files = readdirSync(here).filter((f) => /^test_[a-z0-9_]+\.mjs$/.test(f)).sort();
const chosen = only.length ? files.filter((f) => only.some((o) => f === o || f === `test_${o}.mjs`)) : RUN;
if (only.length && chosen.length !== only.length) {
  console.error(`no such test among: ${files.join(' ')}`);
  process.exit(2);
}

for (const f of chosen) {
  const mod = await import(join(here, f));
  const started = performance.now();
  console.log(`# ${f}: ${mod.title}`);
  const limitMs = (mod.timeoutSeconds || 150) * 1000;
  let timer;
  try {
    await Promise.race([
      mod.run(t),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`overran ${limitMs / 1000} s`)), limitMs); }),
    ]);
  } catch (e) {
    t.check(`${f}: ${e && e.message ? e.message.split('\n')[0] : e}`, false);
    if (process.env.MIXDOWN_BROWSER_DEBUG) console.error(e);
  } finally {
    clearTimeout(timer);
    await stopAll();
  }
  console.log(`# ${f}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

console.log(`browser: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed ? 1 : 0);
