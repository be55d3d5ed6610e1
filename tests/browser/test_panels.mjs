// SPDX-License-Identifier: GPL-3.0-or-later
// The insert panels and sends (web/insert.js, eq.js, dynamics.js, sends.js).
// Part 1, a made-up state on the server's own assets (panels_fake.js, loaded
// through a route on the server's origin with the server's CSP): the groups
// `insert N TYPE`, a control per parameter by kind, fixed ones disabled with
// their reason, automated ones marked, the EQ's nodes on the log-frequency
// grid (a drag = one gesture, the wheel = q), the dynamics' threshold and the
// gain-reduction dot measured on their axes, the read-outs, the sends.
// Part 2, the edits session's real state (skipped while the server sends no
// strips): every insert's sliders carry `mixdown describe`'s ranges and the
// state's values, the EQ's curve arrives and follows a move (the bell's gain
// read at its centre), and the compressor's live gain reduction matches its
// static curve on a -10 dBFS sine.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  startServer, launchBrowser, openConsole, strip, control, valueOf, waitAttr, waitMessage, run as runCmd,
  copySession, sleep, fmt, play, typeValue, own,
} from './lib.mjs';

export const title = 'panels: inserts, EQ, dynamics and sends generated from the parameters, on a made-up and on the real state';

const here = dirname(fileURLToPath(import.meta.url));
const FAKE_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>panels</title>
<link rel="stylesheet" href="/style.css"><script type="module" src="/__panels_fake.js"></script></head>
<body><main id="strips" class="strips" aria-label="mixer"></main></body></html>`;

export async function run(t) {
  const session = copySession(t.work, 'edits', 'panels');
  const server = await startServer(t.mixdown, session);
  const browser = await launchBrowser();
  await fake(t, browser, server);
  await real(t, browser, server, session);
  await server.stop();
  await browser.stop();
}

// ------------------------------------------------------------ part 1: a made-up state

async function fake(t, browser, server) {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // the cookie first (the assets load without the query), then the made-up page on the same origin
  await page.goto(`${server.origin}/icon.svg?token=${server.token}`);
  const csp = `default-src 'self'`;
  await page.route(`${server.origin}/__panels_fake.html`, (r) => r.fulfill({ contentType: 'text/html', headers: { 'Content-Security-Policy': csp }, body: FAKE_PAGE }));
  await page.route(`${server.origin}/__panels_fake.js`, (r) => r.fulfill({ contentType: 'text/javascript', body: readFileSync(join(here, 'panels_fake.js')) }));
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy/.test(m.text())) violations.push(m.text()); });
  await page.goto(`${server.origin}/__panels_fake.html`);
  await page.waitForFunction(() => window.mdTest, null, { timeout: 10000 });

  const asked = await page.evaluate(() => window.sent.slice());
  t.check('each insert with a curve asks for it once', JSON.stringify(asked) === JSON.stringify([
    { type: 'curve', address: '/track/vocal/insert/1' }, { type: 'curve', address: '/track/vocal/insert/2' }]), JSON.stringify(asked));
  const vocal = strip(page, 'vocal');
  await control(vocal, 'button', 'widen vocal').click(); // the pictures at a size a hand can use
  const eq = control(vocal, 'group', 'insert 1 eq');
  const comp = control(vocal, 'group', 'insert 2 compressor');
  const lv2 = control(vocal, 'group', 'insert 3 lv2');
  const counts = async (scope) => ({
    sliders: await scope.getByRole('slider').count(), selects: await scope.getByRole('combobox').count(),
    checkboxes: await scope.getByRole('checkbox').count(), buttons: await scope.getByRole('button').count(),
  });
  const c = await counts(comp), l = await counts(lv2);
  t.check('insert groups are named `insert N TYPE`', await eq.count() === 1 && await comp.count() === 1 && await lv2.count() === 1);
  t.check('compressor: a slider per number, a select per choice, a checkbox per switch, bypass and panel buttons',
    c.sliders === 5 && c.selects === 1 && c.checkboxes === 1 && c.buttons === 2, JSON.stringify(c));
  t.check('LV2 insert: the same generated panel', l.sliders === 1 && l.selects === 1 && l.buttons === 2, JSON.stringify(l));
  const fold = control(lv2, 'button', 'panel');
  await fold.click();
  const foldedSliders = await lv2.getByRole('slider').count(), expanded = await fold.getAttribute('aria-expanded');
  await fold.press('Enter');
  t.check('the panel folds and unfolds (aria-expanded), the keyboard too', foldedSliders === 0 && expanded === 'false' &&
    await lv2.getByRole('slider').count() === 1 && await fold.getAttribute('aria-expanded') === 'true', `${foldedSliders} sliders folded`);
  const threshold = control(comp, 'slider', 'threshold_db');
  t.check('slider aria-valuenow in its unit, the unit in its text', await valueOf(threshold) === -20 &&
    /dB$/.test(await threshold.getAttribute('aria-valuetext')), `${await threshold.getAttribute('aria-valuenow')} / ${await threshold.getAttribute('aria-valuetext')}`);
  const lookahead = control(comp, 'slider', 'lookahead_ms');
  const detector = control(comp, 'combobox', 'detector');
  const lookTitle = await lookahead.getAttribute('title');
  const detTitle = await detector.evaluate((e) => e.closest('md-select').title);
  t.check('fixed-while-playing params disabled, the reason as title',
    await lookahead.getAttribute('aria-disabled') === 'true' && /set when the compressor is built/.test(lookTitle) &&
    await detector.isDisabled() && /set when the compressor is built/.test(detTitle), `${lookTitle} | ${detTitle}`);
  await page.evaluate(() => { window.sent.length = 0; });
  await lookahead.focus();
  await page.keyboard.press('ArrowUp');
  t.check('a fixed slider sends nothing', (await page.evaluate(() => window.sent)).length === 0);
  t.check('an automated param is marked', await control(comp, 'slider', 'ratio').evaluate((e) => e.classList.contains('automated')));
  const slopeUnit = await control(eq, 'group', 'band 1').locator('.param.kind-choice .unit').allTextContents();
  t.check('a choice shows its unit', slopeUnit.includes('dB/oct'), slopeUnit.join(','));

  // bypass: a toggle without gesture; the server's value follows
  await page.evaluate(() => { window.sent.length = 0; });
  const bypass = control(comp, 'button', 'bypass');
  await bypass.click();
  const bsent = await page.evaluate(() => window.sent);
  const dimmed = await comp.evaluate((e) => e.classList.contains('bypassed'));
  await page.evaluate(() => window.mdTest.value('/track/vocal/insert/2/bypass', 0));
  t.check('bypass: one set of 1, the insert dimmed; the server\'s 0 undims it',
    bsent.length === 1 && bsent[0].type === 'set' && bsent[0].address === '/track/vocal/insert/2/bypass' && bsent[0].value === 1 && !bsent[0].gesture &&
    dimmed && !(await comp.evaluate((e) => e.classList.contains('bypassed'))) && await bypass.getAttribute('aria-pressed') === 'false', JSON.stringify(bsent));

  // curves: asked once per insert with one; the EQ's drawn on its grid
  const eqPoints = [], dynPoints = [];
  for (let k = 0; k < 256; k++) {
    const hz = 10 * Math.pow(22800 / 10, k / 255);
    const x = Math.log2(hz / 1000);
    eqPoints.push([hz, 3 * Math.exp(-2 * x * x)]);
    const i = -96 + 102 * k / 255;
    dynPoints.push([i, i < -20 ? i : -20 + (i + 20) / 4]); // threshold -20, ratio 4, hard knee
  }
  await page.evaluate(([e, d]) => {
    window.mdTest.curve({ type: 'curve', address: '/track/vocal/insert/1', kind: 'eq', points: e });
    window.mdTest.curve({ type: 'curve', address: '/track/vocal/insert/2', kind: 'dynamics', points: d });
    window.mdTest.meters('/track/vocal/insert/2', { gain_reduction_db: -6, auto_makeup_db: 2.5 });
  }, [eqPoints, dynPoints]);
  const geo = () => page.evaluate(() => {
    const svg = document.querySelector('md-eq-panel svg');
    const center = (el) => { const r = el.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; };
    // the labelled grid lines: 100 Hz, 1 kHz, 10 kHz
    const majors = [...svg.querySelectorAll('line.major')].map((l) => center(l)[0]);
    const zero = center(svg.querySelector('line.zero'))[1];
    const nodes = [...svg.querySelectorAll('g.node .dot')].map(center);
    return { x1k: majors[1], x10k: majors[2], zero, nodes, segments: (svg.querySelector('path.curve').getAttribute('d').match(/[ML]/g) || []).length };
  });
  await eq.locator('md-eq-panel').scrollIntoViewIfNeeded();
  let g = await geo();
  const hzAt = (x) => 1000 * Math.pow(10, (x - g.x1k) / (g.x10k - g.x1k));
  t.check('EQ curve drawn: 256 points', g.segments === 256, `${g.segments}`);
  t.check('EQ nodes at their bands\' frequencies on the log axis (80 Hz, 1 kHz, 8 kHz within 2 %)',
    Math.abs(hzAt(g.nodes[0][0]) / 80 - 1) < 0.02 && Math.abs(hzAt(g.nodes[1][0]) / 1000 - 1) < 0.02 && Math.abs(hzAt(g.nodes[2][0]) / 8000 - 1) < 0.02,
    g.nodes.map((n) => fmt(hzAt(n[0]), 0)).join(', ') + ' Hz');
  t.check('a node with gain above 0 dB sits above the 0 dB line, a cut below', g.nodes[1][1] < g.zero && g.nodes[2][1] > g.zero,
    `+3 dB at ${fmt(g.nodes[1][1] - g.zero, 1)} px, -4 dB at ${fmt(g.nodes[2][1] - g.zero, 1)} px`);

  // a drag of band 2: one gesture, then end; the sliders follow; the node lands where it was dropped
  await page.evaluate(() => { window.sent.length = 0; });
  const [x0, y0] = g.nodes[1];
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(x0 + 5 * i, y0 - 2 * i);
  await page.mouse.up();
  const dsent = await page.evaluate(() => window.sent);
  const sets = dsent.filter((m) => m.type === 'set');
  const ids = new Set(sets.map((m) => m.gesture));
  const ends = dsent.filter((m) => m.type === 'end');
  const band2 = control(eq, 'group', 'band 2');
  const lastOf = (field) => [...sets].reverse().find((m) => m.address.endsWith(`/bands/2/${field}`))?.value;
  const freqNow = await valueOf(control(band2, 'slider', 'freq')), gainNow = await valueOf(control(band2, 'slider', 'gain_db'));
  g = await geo();
  t.check('a node drag is one gesture: sets of freq and gain_db with one id, one end',
    sets.length >= 4 && ids.size === 1 && ends.length === 1 && ends[0].gesture === [...ids][0] && dsent[dsent.length - 1].type === 'end',
    `${sets.length} sets, ${ids.size} gesture ids, ${ends.length} end`);
  t.check('the band\'s sliders show the dragged values', freqNow === lastOf('freq') && gainNow === lastOf('gain_db') && freqNow > 1000 && gainNow > 3,
    `freq ${freqNow} Hz, gain_db ${gainNow} dB`);
  t.check('the node sits at the dragged frequency (within 2 %)', Math.abs(hzAt(g.nodes[1][0]) / freqNow - 1) < 0.02, `${fmt(hzAt(g.nodes[1][0]), 0)} Hz for ${freqNow}`);

  // the wheel on a node: q, one gesture per burst
  await page.evaluate(() => { window.sent.length = 0; });
  const qBefore = await valueOf(control(band2, 'slider', 'q'));
  await page.mouse.move(g.nodes[1][0], g.nodes[1][1]);
  await page.mouse.wheel(0, -100);
  await page.mouse.wheel(0, -100);
  await sleep(700);
  const wsent = await page.evaluate(() => window.sent);
  const qAfter = await valueOf(control(band2, 'slider', 'q'));
  t.check('the wheel raises q: sets of q in one gesture, then end',
    wsent.length === 3 && wsent.slice(0, 2).every((m) => m.address.endsWith('/bands/2/q') && m.gesture === wsent[2].gesture) && wsent[2].type === 'end' && qAfter > qBefore,
    `q ${qBefore} → ${qAfter}, ${JSON.stringify(wsent.map((m) => m.type))}`);

  // a double-click on a node: its gain back to the default, one step of its own
  await page.evaluate(() => { window.sent.length = 0; });
  await page.mouse.dblclick(g.nodes[1][0], g.nodes[1][1]);
  const dbl = await page.evaluate(() => window.sent);
  t.check('a double-click on a node resets its gain_db (one set without gesture)',
    dbl.length === 1 && dbl[0].address.endsWith('/bands/2/gain_db') && dbl[0].value === 0 && !dbl[0].gesture &&
    await valueOf(control(band2, 'slider', 'gain_db')) === 0, JSON.stringify(dbl));

  // the keyboard reaches the bands through their sliders; a value from the server moves the node
  await page.evaluate(() => { window.sent.length = 0; });
  await control(control(eq, 'group', 'band 1'), 'slider', 'freq').focus();
  await page.keyboard.press('ArrowUp');
  await sleep(600);
  const ksent = await page.evaluate(() => window.sent);
  await page.evaluate(() => window.mdTest.value('/track/vocal/insert/1/bands/3/freq', 2000));
  g = await geo();
  t.check('keys on a band slider move it (set + end)', ksent.length === 2 && ksent[0].address.endsWith('/bands/1/freq') && ksent[0].value > 80 && ksent[1].type === 'end', JSON.stringify(ksent));
  t.check('a value from the server moves the node (band 3 to 2 kHz)', Math.abs(hzAt(g.nodes[2][0]) / 2000 - 1) < 0.02, `${fmt(hzAt(g.nodes[2][0]), 0)} Hz`);

  // dynamics: the threshold line on the input axis, the dot where the curve reduces by the live figure
  const dyn = await page.evaluate(() => {
    const svg = document.querySelector('md-dynamics-panel svg');
    const xs = [...svg.querySelectorAll('.grid line')].filter((l) => l.getAttribute('x1') === l.getAttribute('x2')).map((l) => Number(l.getAttribute('x1')));
    const th = svg.querySelector('line.threshold');
    const dot = svg.querySelector('circle.gr-dot');
    return { xs, threshold: Number(th.getAttribute('x1')), dot: [Number(dot.getAttribute('cx')), Number(dot.getAttribute('cy'))], dotShown: dot.getAttribute('visibility') };
  });
  const perDb = (dyn.xs[0] - dyn.xs[1]) / 12; // grid lines at 0, -12, -24 …
  const thDb = (dyn.threshold - dyn.xs[0]) / perDb;
  const dotIn = (dyn.dot[0] - dyn.xs[0]) / perDb;
  t.check('dynamics: the threshold marked at -20 dB on the input axis (±0.1)', Math.abs(thDb + 20) < 0.1, `${fmt(thDb, 2)} dB`);
  t.check('dynamics: the gain-reduction dot where the curve reduces by 6 dB (input -12 dB ±0.5)', dyn.dotShown === 'visible' && Math.abs(dotIn + 12) < 0.5, `input ${fmt(dotIn, 2)} dB`);
  const gr = control(comp, 'meter', 'gain_reduction_db'), mk = control(comp, 'meter', 'auto_makeup_db');
  t.check('read-outs: role=meter gain_reduction_db -6, auto_makeup_db 2.5', await valueOf(gr) === -6 && await valueOf(mk) === 2.5,
    `${await gr.getAttribute('aria-valuenow')}, ${await mk.getAttribute('aria-valuenow')}`);

  await page.evaluate(() => window.mdTest.meters('/track/vocal/insert/4', { pitch_hz: 440.04, correction_cents: -12.3 }));
  const pcGroup = control(vocal, 'group', 'insert 4 pitch_correct');
  const pitch = control(pcGroup, 'meter', 'pitch_hz'), cents = control(pcGroup, 'meter', 'correction_cents');
  t.check('other read-outs in their own unit (pitch_hz 440 Hz, correction_cents -12.3 cents)',
    await valueOf(pitch) === 440 && await pitch.getAttribute('aria-valuetext') === '440.0 Hz' && await valueOf(cents) === -12.3 &&
    await cents.getAttribute('aria-valuetext') === '\u221212.3 cents', `${await pitch.getAttribute('aria-valuetext')}, ${await cents.getAttribute('aria-valuetext')}`);

  // sends
  const row = control(control(vocal, 'group', 'sends'), 'group', 'send space');
  t.check('sends: a row per send with level_db and a fixed pre_fader', await valueOf(control(row, 'slider', 'level_db')) === -12 &&
    await control(row, 'checkbox', 'pre_fader').isDisabled());

  // a strip scrolled out of view: its peak meter's aria-valuenow stays current; its inserts'
  // read-outs wait and are shown as soon as it scrolls back (within two frames)
  await page.setViewportSize({ width: 240, height: 720 });
  const away = await page.evaluate(async () => {
    const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const list = document.getElementById('strips');
    const spacer = document.createElement('div');
    spacer.className = 'spacer';
    spacer.style.flex = '0 0 1200px'; // (a CSSOM write: not blocked by the CSP)
    list.append(spacer);
    list.scrollLeft = list.scrollWidth;
    await frames();
    const el = document.querySelector('md-strip');
    el.meter.update(-12.5, -20);
    window.mdTest.meters('/track/vocal/insert/2', { gain_reduction_db: -9, auto_makeup_db: 1 });
    return { right: el.getBoundingClientRect().right, left: list.getBoundingClientRect().left };
  });
  const peak = own(vocal, 'meter', 'peak');
  t.check('a strip scrolled away: its peak meter\'s aria-valuenow current (-12.5)', away.right < away.left - 1000 && await valueOf(peak) === -12.5,
    `strip's right edge ${fmt(away.right, 0)} px, the list's left ${fmt(away.left, 0)} px; peak ${await peak.getAttribute('aria-valuenow')}`);
  const back = await page.evaluate(async () => {
    document.querySelector('md-strip').scrollIntoView({ inline: 'start' });
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const g = document.querySelector('md-strip [role=meter][aria-label=gain_reduction_db]');
    const p = document.querySelector('md-strip [role=meter][aria-label=peak]');
    const result = { gr: g.getAttribute('aria-valuenow'), figure: p.textContent };
    document.querySelector('.spacer').remove();
    return result;
  });
  t.check('scrolled back: the read-out shown within two frames (gain_reduction_db -9), the peak figure -12.5',
    back.gr === '-9' && back.figure === '\u221212.5', `${back.gr}, ${back.figure}`);
  t.check('no page error, no CSP violation', errors.length === 0 && violations.length === 0, [...errors, ...violations].join(' | '));
  await page.close();
}

// ------------------------------------------------------------ part 2: the real state

/// `mixdown describe`'s ranges of every insert type: type → name → [min, max]
/// (a list's fields under their own names).
async function describedRanges(mixdown) {
  const r = await runCmd(mixdown, ['describe']);
  const text = r.stdout.slice(r.stdout.indexOf('insert types'));
  const out = new Map();
  let type = null;
  for (const line of text.split('\n')) {
    const head = /^([a-z_0-9]+) — /.exec(line);
    if (head) { type = head[1]; out.set(type, new Map()); continue; }
    const m = /^\s{4}(?:\s\s- )?([a-z_0-9]+)\s+(-?[0-9.e+]+) … (-?[0-9.e+]+)/.exec(line);
    if (type && m) out.get(type).set(m[1], [Number(m[2]), Number(m[3])]);
  }
  return out;
}

async function real(t, browser, server, session) {
  const page = await openConsole(browser, server, { tap: true, wait: false });
  const state = await waitMessage(page, (m) => m.type === 'state', { what: 'the state', timeoutMs: 20000 });
  if (!state.strips || !state.strips.length) {
    t.skip('panels on the real state', 'the server sends no strips yet (the console has not landed)');
    return;
  }
  await strip(page, 'master').waitFor({ timeout: 20000 });
  const ranges = await describedRanges(t.mixdown);
  let sliders = 0;
  const wrong = [];
  for (const s of state.strips) {
    for (const ins of s.inserts || []) {
      const group = control(strip(page, s.kind === 'master' ? 'master' : s.name), 'group', `insert ${ins.n} ${ins.type}`);
      if (await group.count() !== 1) { wrong.push(`${ins.address}: no group`); continue; }
      for (const el of await group.getByRole('slider').all()) {
        sliders++;
        const name = await el.getAttribute('aria-label');
        const want = ranges.get(ins.type)?.get(name);
        const got = [Number(await el.getAttribute('aria-valuemin')), Number(await el.getAttribute('aria-valuemax'))];
        if (!want || want[0] !== got[0] || want[1] !== got[1]) wrong.push(`${ins.address} ${name}: ${got} (describe: ${want})`);
      }
    }
  }
  t.check('every insert\'s sliders carry `mixdown describe`\'s ranges', sliders > 0 && wrong.length === 0, `${sliders} sliders${wrong.length ? `; ${wrong.slice(0, 4).join('; ')}` : ''}`);

  // the EQ: its curve arrives; a move of the bell's gain comes back in the next curve
  const eqAddress = '/track/fx_eq/insert/1';
  const first = await waitMessage(page, (m) => m.type === 'curve' && m.address === eqAddress, { what: 'the EQ\'s curve', timeoutMs: 5000 }).catch(() => null);
  t.check('the EQ\'s curve arrives when its panel asks', !!first && first.kind === 'eq' && first.points.length === 256, first ? `${first.points.length} points` : 'none');
  const at1k = (pts) => pts.reduce((a, b) => (Math.abs(Math.log(b[0] / 1000)) < Math.abs(Math.log(a[0] / 1000)) ? b : a));
  const eqGroup = control(strip(page, 'fx_eq'), 'group', 'insert 1 eq');
  const since = page.mdReceived.length;
  await typeValue(page, control(eqGroup, 'slider', 'gain_db').first(), 6);
  // the first curve after the move that has moved (one pushed for an earlier value may come between)
  const next = await waitMessage(page, (m) => m.type === 'curve' && m.address === eqAddress && at1k(m.points)[1] > 1,
    { since, what: 'the EQ\'s next curve', timeoutMs: 5000 }).catch(() => null);
  const peak = next ? at1k(next.points) : null;
  t.check('a gain move brings the next curve: +6 dB at the bell\'s 1 kHz (±0.2 dB)', !!peak && Math.abs(peak[1] - 6) < 0.2, peak ? `${fmt(peak[1], 2)} dB at ${fmt(peak[0], 0)} Hz` : 'no curve');
  const d = await eqGroup.locator('path.curve').getAttribute('d');
  t.check('the page draws it', (d.match(/[ML]/g) || []).length === 256);

  // the compressor: threshold 0 → -30 on a -10 dBFS sine (ratio 4, hard knee): the static
  // curve says 15 dB of reduction; its 1 ms detector on a 1 kHz sine reaches a little less, so
  // the page must show what `mixdown analyze` measures of a render with that threshold
  const moved = join(t.work, 'panels-compressor.yaml');
  await runCmd(t.mixdown, ['set', session, '/track/fx_compressor/insert/1/threshold_db', '-30', '-o', moved]);
  const analysis = JSON.parse((await runCmd(t.mixdown, ['analyze', moved, '--json'])).stdout || '{}');
  const want = (analysis.dynamics || []).find((d) => d.strip === 'fx_compressor' && 'gain_reduction_db' in d)?.gain_reduction_db;
  const compGroup = control(strip(page, 'fx_compressor'), 'group', 'insert 1 compressor');
  await play(page);
  await typeValue(page, control(compGroup, 'slider', 'threshold_db'), -30);
  const gr = control(compGroup, 'meter', 'gain_reduction_db');
  const shown = await waitAttr(gr, 'aria-valuenow', (v) => Math.abs(Number(v) - want) < 0.3, 5000);
  t.check('the compressor\'s live gain reduction is analyze\'s of the render (±0.3 dB; the static curve: -15 dB) on a -10 dBFS sine, threshold -30, ratio 4', shown && want < -13 && want > -15.5, `page ${await gr.getAttribute('aria-valuenow')} dB, analyze ${want} dB`);
  t.check('its dot is on the curve', await compGroup.locator('circle.gr-dot').getAttribute('visibility') === 'visible');
  t.check('no page error on the real state', page.mdErrors.length === 0, page.mdErrors.join(' | '));
}
