// SPDX-License-Identifier: GPL-3.0-or-later
// Two pages on one server: a fader move by key in the first shows in the
// second within 100 ms (performance.timeOrigin + now(): one clock for the
// pages of one browser); undo (Ctrl+Z) in the second restores the value in
// both, and saving then writes the original file back byte for byte.
import { readFileSync } from 'node:fs';
import {
  startServer, launchBrowser, openConsole, strip, control, own, valueOf, waitAttr, waitMessage, changedLines,
  copySession, sleep, fmt,
} from './lib.mjs';

export const title = 'two pages: a move shows in the other within 100 ms; undo in the other restores both';

/// Arms the page of `slider` to note (on the shared clock) when the slider
/// shows `value`.
async function watchValue(slider, value) {
  const el = await slider.elementHandle();
  await el.evaluate((el, value) => {
    window.__mdShown = null;
    const check = () => { if (!window.__mdShown && Number(el.getAttribute('aria-valuenow')) === value) window.__mdShown = performance.timeOrigin + performance.now(); };
    new MutationObserver(check).observe(el, { attributes: true, attributeFilter: ['aria-valuenow'] });
  }, value);
}

export async function run(t) {
  const session = copySession(t.work, 'tone', 'pages');
  const original = readFileSync(session, 'utf8');
  const server = await startServer(t.mixdown, session);
  const browser = await launchBrowser();
  const a = await openConsole(browser, server, { tap: false });
  const b = await openConsole(browser, server, { tap: false });
  const faderA = own(strip(a, 'lead'), 'slider', 'gain_db');
  const faderB = own(strip(b, 'lead'), 'slider', 'gain_db');

  await watchValue(faderB, -6);
  await faderA.focus();
  await a.evaluate(() => { window.addEventListener('keydown', (e) => { if (e.key === 'PageDown' && !window.__mdPressed) window.__mdPressed = performance.timeOrigin + performance.now(); }, true); });
  await a.keyboard.press('PageDown');
  const shownB = await waitAttr(faderB, 'aria-valuenow', (v) => Number(v) === -6, 5000);
  const pressed = await a.evaluate(() => window.__mdPressed);
  const shownAt = await b.evaluate(() => window.__mdShown);
  const ms = shownAt - pressed;
  t.check('a key move in page 1 shows in page 2 within 100 ms', shownB && ms >= 0 && ms <= 100,
    `page 2 aria-valuenow ${await faderB.getAttribute('aria-valuenow')} ${fmt(ms, 1)} ms after the key in page 1`);
  t.check('page 1 shows its own move', (await valueOf(faderA)) === -6, `aria-valuenow ${await faderA.getAttribute('aria-valuenow')}`);

  // The key burst ends (the gesture is committed), then page 1 saves.
  await waitMessage(a, (m) => m.type === 'history' && m.can_undo, { what: 'history with can_undo' });
  let since = a.mdReceived.length;
  await a.getByRole('button', { name: 'save', exact: true }).click();
  const saved = await waitMessage(a, (m) => m.type === 'saved' || m.type === 'error', { since, what: 'saved' });
  const diff = changedLines(original, readFileSync(session, 'utf8'));
  t.check('page 1 saves the move: one line differs', saved.type === 'saved' && diff.count === 1, diff.lines.join('; '));

  // Undo in page 2, from the keyboard: both pages show 0 dB again.
  since = b.mdReceived.length;
  await b.locator('body').focus().catch(() => {});
  await b.keyboard.press('Control+z');
  const back = await Promise.all([waitAttr(faderA, 'aria-valuenow', (v) => Number(v) === 0), waitAttr(faderB, 'aria-valuenow', (v) => Number(v) === 0)]);
  t.check('Ctrl+Z in page 2 restores the fader in both pages', back[0] && back[1],
    `page 1 ${await faderA.getAttribute('aria-valuenow')}, page 2 ${await faderB.getAttribute('aria-valuenow')}`);
  // The undo's own history message is the one that offers a redo: page 1's
  // save is broadcast too, and may reach page 2 only after the key was pressed.
  const history = await waitMessage(b, (m) => m.type === 'history' && m.can_redo, { since, what: 'history after the undo' });
  t.check('after the undo the session is marked unsaved (it differs from the file)', history.dirty === true, JSON.stringify(history));

  since = b.mdReceived.length;
  await b.keyboard.press('Control+s');
  const saved2 = await waitMessage(b, (m) => m.type === 'saved' || m.type === 'error', { since, what: 'saved' });
  const text = readFileSync(session, 'utf8');
  t.check('saving after the undo writes the original file back, byte for byte', saved2.type === 'saved' && text === original,
    text === original ? 'identical' : changedLines(original, text).lines.join('; '));
  t.check('no script error in either page', a.mdErrors.length + b.mdErrors.length === 0, [...a.mdErrors, ...b.mdErrors].slice(0, 3).join(' | '));
  await sleep(50);
}
