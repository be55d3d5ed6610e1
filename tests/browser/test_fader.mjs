// SPDX-License-Identifier: GPL-3.0-or-later
// A −6 dBFS sine track (tone.yaml): its peak meter reads −6.0 ± 0.2 dBFS;
// its fader moved from 0 to −6 dB by one key (PageDown: the fader's big
// step) makes the tapped signal fall by 6.00 ± 0.05 dB, the step within
// 100 ms of the key press (measured in the stream: the frame where the
// level falls against the frame being played when the key went down), and
// Ctrl+S saves a file that differs from the original in exactly that line.
import { readFileSync } from 'node:fs';
import {
  startServer, launchBrowser, openConsole, strip, control, own, play, sleep, TapRecorder, armKey, keyFrame,
  valueOf, waitAttr, waitMessage, changedLines, copySession, blockLevels, rms, db, fmt, START_MS } from './lib.mjs';

export const title = 'meter of a −6 dBFS sine; fader 0 → −6 dB by keyboard: level, latency, save';

export async function run(t) {
  const session = copySession(t.work, 'tone', 'fader');
  const original = readFileSync(session, 'utf8');
  const server = await startServer(t.mixdown, session);
  const browser = await launchBrowser();
  const page = await openConsole(browser, server);
  const lead = strip(page, 'lead');
  const fader = own(lead, 'slider', 'gain_db');
  t.check('the lead strip has its gain_db slider at 0 dB', (await valueOf(fader)) === 0, `aria-valuenow ${await fader.getAttribute('aria-valuenow')}`);

  await play(page);
  const tap = new TapRecorder(page);
  await tap.record(START_MS, 500);
  const started = tap.mark();

  // The meter: the peak of a sine at -6 dBFS (a whole number of samples a
  // period: its sample peak is its amplitude).
  const meter = own(lead, 'meter', 'peak');
  const peak = Number(await meter.getAttribute('aria-valuenow'));
  t.check('the lead strip\'s peak meter reads -6.0 ± 0.2 dBFS', Math.abs(peak + 6) <= 0.2, `aria-valuenow ${fmt(peak)} dBFS`);

  // The move: one key on the focused fader.
  await fader.focus();
  await armKey(page, 'PageDown');
  await page.keyboard.press('PageDown');
  const key = await keyFrame(page);
  const shown = await waitAttr(fader, 'aria-valuenow', (v) => Number(v) === -6);
  t.check('PageDown moves the fader to -6 dB', shown, `aria-valuenow ${await fader.getAttribute('aria-valuenow')}`);
  await tap.record(1500, 500);
  const span = tap.join();
  const rate = tap.rate;

  // Levels per period of the 1 kHz sine (48 frames): before the key, and
  // from 300 ms after it.
  const keyAt = Math.floor(key.frame - span.position_frame);
  const before = db(rms(span.left, span.right, Math.max(0, keyAt - rate / 2), keyAt - 480));
  const afterFrom = keyAt + Math.round(0.3 * rate);
  const after = db(rms(span.left, span.right, afterFrom, Math.min(span.left.length, afterFrom + rate)));
  const fall = before - after;
  t.check('the tapped level falls by 6.00 ± 0.05 dB', Math.abs(fall - 6) <= 0.05,
    `${fmt(before, 3)} → ${fmt(after, 3)} dBFS RMS: ${fmt(fall, 3)} dB`);

  // Where the level crosses halfway (-3 dB), searched from half a second
  // before the key so that an early or late step is measured either way.
  const block = 48;
  const from = Math.max(0, keyAt - rate / 2);
  const levels = blockLevels(span.left.subarray(from), span.right.subarray(from), block);
  const cross = levels.findIndex((l) => l < before - 3);
  const stepFrame = cross < 0 ? NaN : from + cross * block;
  const latencyMs = ((stepFrame - keyAt) / rate) * 1000;
  t.check('the step is heard within 100 ms of the key press', latencyMs >= 0 && latencyMs <= 100,
    `step at timeline frame ${span.position_frame + stepFrame}, key at ${fmt(key.frame, 0)} (flush ${fmt(key.flushMs, 1)} ms): ${fmt(latencyMs, 1)} ms`);
  const playing = tap.since(started);
  t.check('the stream held while playing: nothing lost, each underrun answered by a deeper fill', playing.held, playing.text);

  // Save from the keyboard; exactly the fader's line differs.
  const since = page.mdReceived.length;
  await page.keyboard.press('Control+s');
  const saved = await waitMessage(page, (m) => m.type === 'saved' || m.type === 'error', { since, what: 'saved' });
  t.check('Ctrl+S saves', saved.type === 'saved', JSON.stringify(saved.type === 'saved' ? saved.path : saved.message));
  const diff = changedLines(original, readFileSync(session, 'utf8'));
  t.check('the saved session differs from the original in exactly the fader\'s line',
    diff.count === 1 && /^\d+: "\s*gain_db: 0" -> "\s*gain_db: -6"$/.test(diff.lines[0]), diff.lines.join('; ') || 'no line changed');
  t.check('the page showed no script error', page.mdErrors.length === 0, page.mdErrors.slice(0, 3).join(' | '));
  await sleep(50);
}
