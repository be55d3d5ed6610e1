// SPDX-License-Identifier: GPL-3.0-or-later
// Mute, polarity, pan, solo and one parameter of every built-in insert type
// (the types `mixdown describe` lists) moved in the page while it plays
// (edits.yaml): after each move the tap is compared with a render of the
// same edit made with `mixdown set` on a copy, over the same timeline
// frames — a null (below -90 dB), or where a processor's state keeps the
// memory of the value before (a reverb's tail), the level within 0.1 dB.
// Each move is also checked to matter: the render before it and after it
// differ, and the tap moved away from the render before it.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  startServer, launchBrowser, openConsole, strip, control, own, play, sleep, TapRecorder, typeValue,
  waitMessage, render, runOk, compareToRender, compareRenders, bestLag, fmt, START_MS } from './lib.mjs';
import { EDITS } from './sessions.mjs';

export const title = 'mute, invert, pan, solo and every insert type moved in the page: the tap against renders of the same edits';
export const timeoutSeconds = 240;

const SETTLE_S = 0.35; // after a move's echo: the move is heard (< 0.1 s) and its ramp is over
const WINDOW_S = 0.5;  // what is compared

/// The built-in insert types, from `mixdown describe` (its `NAME — …` lines
/// under "insert types").
async function insertTypes(mixdown) {
  const r = await runOk(mixdown, ['describe']);
  const after = r.stdout.slice(r.stdout.indexOf('insert types'));
  return [...after.matchAll(/^([a-z][a-z0-9_]*) — /gm)].map((m) => m[1]);
}

export async function run(t) {
  const types = await insertTypes(t.mixdown);
  const covered = new Set(EDITS.map((e) => e.insert));
  const missing = types.filter((x) => !covered.has(x));
  t.check('every built-in insert type has a move here', types.length > 0 && missing.length === 0,
    `${types.length} types: ${types.join(' ')}${missing.length ? `; missing ${missing.join(' ')}` : ''}`);

  const dir = join(t.work, 'edits-live');
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(join(t.work, 'edits'))) copyFileSync(join(t.work, 'edits', f), join(dir, f));
  const session = join(dir, 'edits.yaml');
  const server = await startServer(t.mixdown, session);
  const browser = await launchBrowser();
  const page = await openConsole(browser, server);

  // The moves, in order; each is [address, value as `mixdown set` takes it].
  const toggle = (track, name) => async () => own(strip(page, track), 'button', name).click();
  const slider = (track, insertName, name, value) => async () => {
    let scope = strip(page, track);
    if (insertName) scope = scope.getByRole('group', { name: insertName, exact: true });
    await typeValue(page, own(scope, 'slider', name), value);
  };
  const steps = [
    { what: 'mute noise', act: [toggle('noise', 'mute')], set: [['/track/noise/mute', 'true']] },
    { what: 'invert copy', act: [toggle('copy', 'invert')], set: [['/track/copy/invert', 'true']] },
    { what: 'pan sine -0.5', act: [slider('sine', null, 'pan', -0.5)], set: [['/track/sine/pan', '-0.5']] },
    { what: 'solo sine', act: [toggle('sine', 'solo')], set: [['/track/sine/solo', 'true']] },
  ];
  let soloed = 'sine';
  for (const e of EDITS) {
    const name = e.param.split('/').pop();
    steps.push({
      what: `solo ${e.track} alone`,
      act: [toggle(e.track, 'solo'), toggle(soloed, 'solo')],
      set: [[`/track/${e.track}/solo`, 'true'], [`/track/${soloed}/solo`, 'false']],
    });
    steps.push({
      what: `${e.insert} ${e.param.replace(/^insert\/1\//, '')} ${e.from} → ${e.to}`,
      act: [slider(e.track, `insert 1 ${e.insert}`, name, e.to)],
      set: [[`/track/${e.track}/${e.param}`, String(e.to)]],
      insert: e.insert,
    });
    soloed = e.track;
  }

  await play(page);
  const tap = new TapRecorder(page);
  await tap.record(START_MS, 500);
  const rate = tap.rate;
  // What the start cost (the page still loading; each underrun deepens the server's fill) is
  // the start's: the check below counts the underruns and breaks from the first move on.
  const started = tap.mark();
  // windows[k]: timeline frames compared in the state after k moves (0: none).
  const windows = [];
  let from = (await tap.take()) - Math.round(WINDOW_S * rate);
  for (const step of steps) {
    const at = await tap.take();
    windows.push([from, at]);
    const since = page.mdReceived.length;
    for (const act of step.act) await act();
    for (const [address] of step.set) {
      await waitMessage(page, (m) => m.type === 'value' && m.address === address, { since, what: `the echo of ${address}`, timeoutMs: 5000 })
        .catch((e) => { step.error = e.message; });
    }
    const moved = await tap.take();
    from = moved + Math.round(SETTLE_S * rate);
    await tap.record((SETTLE_S + WINDOW_S) * 1000, 250);
  }
  windows.push([from, await tap.take()]);
  const span = tap.join();
  const moving = tap.since(started);
  t.check('the stream held while moving: nothing lost, each underrun answered by a deeper fill', moving.held, `${moving.text}; ${fmt(span.left.length / rate, 1)} s tapped`);
  await server.stop();
  await browser.stop();

  // The renders: state k (the first k moves, made by mixdown set on a copy)
  // over windows k and k+1 (for step k+1's "before").
  const applied = [];
  const refs = [];
  for (let k = 0; k <= steps.length; k++) {
    if (k > 0) applied.push(...steps[k - 1].set);
    const copy = join(dir, `state-${k}.yaml`);
    copyFileSync(join(t.work, 'edits', 'edits.yaml'), copy);
    if (applied.length) await runOk(t.mixdown, ['set', copy, ...applied.flat(), '--quiet']);
    const last = windows[Math.min(k + 1, windows.length - 1)];
    const fromS = Math.floor(windows[k][0] / rate), toS = Math.ceil(last[1] / rate) + 1;
    const r = await render(t.mixdown, copy, join(dir, `state-${k}.wav`), ['--from', String(fromS), '--to', String(toS)]);
    refs.push({ start: fromS * rate, channels: r.channels }); // its frame 0 is timeline frame fromS·rate
  }

  // A window is measured in the run of mix the tap holds most of it in: an underrun (counted
  // above) neither hides what every other window shows nor puts its silence in one.
  const spans = tap.spans();
  const judge = (k, what, step) => {
    const [wa, wb] = windows[k];
    let span = null, a = wa, b = wa;
    for (const s of spans) {
      const lo = Math.max(wa, s.position_frame), hi = Math.min(wb, s.position_frame + s.left.length);
      if (hi - lo > b - a) { span = s; a = lo; b = hi; }
    }
    if (!span || b - a < rate / 10) {
      t.check(`${what}: the tap covers its window`, false, `window ${wa}…${wb}, tapped ${spans.map((s) => `${s.position_frame}…${s.position_frame + s.left.length}`).join(', ')}`);
      return;
    }
    const lo = a - span.position_frame, hi = b - span.position_frame;
    const c = compareToRender(span, lo, hi, refs[k]);
    const nulls = c.bitExact || c.residualDb < -90;
    const level = Math.abs(c.levelDb) <= 0.1;
    let detail = `${fmt((hi - lo) / rate, 2)} s from ${fmt(a / rate, 2)} s${b - a < wb - wa ? ` (of ${fmt((wb - wa) / rate, 2)} s: an underrun's silence left out)` : ''}: ${c.bitExact ? 'bit-exact' : `null ${fmt(c.residualDb, 1)} dB`}, level ${c.levelDb >= 0 ? '+' : ''}${fmt(c.levelDb, 3)} dB`;
    let matters = true;
    if (k > 0) {
      const edit = compareRenders(refs[k - 1], refs[k], a, b);           // the edit, as renders hear it
      const moved = compareToRender(span, lo, hi, refs[k - 1]);          // the tap against the state before
      // the edit is heard (the mix moves by more than 1 %: -40 dB) and the tap moved with it; the
      // tap nulls at about -140 dB, so a change of -24 dB (a quiet track muted) is plain
      matters = edit.residualDb > -40 && moved.residualDb > -40;
      detail += `; the edit changes the render by ${fmt(edit.residualDb, 1)} dB, the tap is ${fmt(moved.residualDb, 1)} dB from before`;
    }
    if (k === 0 && !nulls) {
      const best = bestLag(span, refs[0], lo, Math.min(4800, hi - lo));
      detail += `; the best match is the render ${best.lag} frames later (${fmt(best.residualDb, 1)} dB there)`;
    }
    if (step && step.error) detail += `; ${step.error}`;
    t.check(`${what}: the tap equals a render of the same edit`, (nulls || level) && matters && !(step && step.error), detail);
  };
  judge(0, 'no move yet', null);
  steps.forEach((s, i) => judge(i + 1, s.what, s));
  await sleep(10);
}
