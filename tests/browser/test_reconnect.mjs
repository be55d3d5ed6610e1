// SPDX-License-Identifier: GPL-3.0-or-later
// A page that loses its connection says so and resynchronises when it
// returns: the page's browser goes offline (nothing reaches its socket,
// which stays open, as when a network goes away: the link worker hears
// nothing for 3 s, drops it, and every attempt to reconnect fails — the
// banner shows), a second page in another browser moves the fader
// meanwhile, then the first comes back online: the banner goes, the page
// shows the move it missed, and its own moves reach the other page again.
import {
  startServer, launchBrowser, openConsole, strip, control, own, waitAttr, copySession, sleep, fmt,
} from './lib.mjs';

export const title = 'reconnection: the banner, then the state resynchronised';

export async function run(t) {
  const session = copySession(t.work, 'tone', 'reconnect');
  const server = await startServer(t.mixdown, session);
  const browser = await launchBrowser();
  const other = await launchBrowser(); // offline is a whole browser's
  const a = await openConsole(browser, server, { tap: false });
  const b = await openConsole(other, server, { tap: false });
  let attempts = 0;
  a.on('websocket', () => { attempts++; });
  const faderA = own(strip(a, 'lead'), 'slider', 'gain_db');
  const faderB = own(strip(b, 'lead'), 'slider', 'gain_db');
  const banner = a.getByRole('alert');
  t.check('connected: no connection-lost banner', !(await banner.isVisible().catch(() => false)), `${await banner.count()} alerts`);

  // The connection drops and stays away.
  await a.context().setOffline(true);
  const attemptsBefore = attempts;
  let shown = false;
  try { await banner.first().waitFor({ state: 'visible', timeout: 5000 }); shown = true; } catch { /* measured below */ }
  const text = shown ? (await banner.first().textContent()).trim() : '';
  t.check('the page says its connection is lost (role=alert)', shown && text.length > 0, JSON.stringify(text));

  // A move it misses.
  await faderB.focus();
  await b.keyboard.press('PageDown');
  await waitAttr(faderB, 'aria-valuenow', (v) => Number(v) === -6);
  await sleep(1500);
  const refused = attempts - attemptsBefore;
  t.check('while away the page keeps trying to reconnect', refused > 0, `${refused} attempts refused`);
  t.check('while away the page still shows the old value', Number(await faderA.getAttribute('aria-valuenow')) === 0,
    `aria-valuenow ${await faderA.getAttribute('aria-valuenow')}`);

  // Back.
  const back = performance.now();
  await a.context().setOffline(false);
  const resynced = await waitAttr(faderA, 'aria-valuenow', (v) => Number(v) === -6, 15000);
  const ms = performance.now() - back;
  t.check('back: the page shows the move it missed (resynchronised)', resynced, `aria-valuenow ${await faderA.getAttribute('aria-valuenow')} after ${fmt(ms, 0)} ms`);
  let gone = false;
  try { await banner.first().waitFor({ state: 'hidden', timeout: 5000 }); gone = true; } catch { /* measured */ }
  t.check('back: the banner is gone', gone, `${await banner.count()} alerts`);

  await faderA.focus();
  await a.keyboard.press('PageUp');
  const reached = await waitAttr(faderB, 'aria-valuenow', (v) => Number(v) === 0, 5000);
  t.check('back: a move in the page reaches the other page', reached, `page 2 aria-valuenow ${await faderB.getAttribute('aria-valuenow')}`);
}
