// SPDX-License-Identifier: GPL-3.0-or-later
// The listener handed back and forth between two pages while the mix
// plays: each time page 1 takes it back (its worklet already exists) it
// plays again and keeps playing — the reset that an `audio` message means
// reaches the worklet before the packets that follow it (web/link.js does
// it in the wire's order; a reset from the main thread came after them,
// dropped them, and the server then waited for ever for their credits).
import { startServer, launchBrowser, openConsole, play, sleep, copySession, fmt } from './lib.mjs';

export const title = 'the listener taken back: the page plays again (the worklet reset in the wire\'s order)';

const ROUNDS = 4;

/// Frames the page's tap got since the last take.
const tapped = (page) => page.evaluate(async () => { await window.mixdownTap.flush(); return window.mixdownTap.take().left.length; });

export async function run(t) {
  const session = copySession(t.work, 'tone', 'listener');
  const server = await startServer(t.mixdown, session);
  const browser = await launchBrowser();
  const a = await openConsole(browser, server);
  await play(a);
  const b = await openConsole(browser, server); // says hello with audio: it is the listener now
  for (let round = 0; round < ROUNDS; round++) {
    if (round > 0) await b.getByRole('button', { name: 'listen here', exact: true }).click();
    await a.getByRole('button', { name: 'listen here', exact: true }).waitFor({ timeout: 5000 });
    await sleep(300);
    await tapped(a); // what it played before it lost the listener
    await a.getByRole('button', { name: 'listen here', exact: true }).click();
    await sleep(500); // it starts again: the server's fill and the worklet's prefill
    await tapped(a);
    const since = a.mdSent.length;
    await sleep(1000);
    const frames = await tapped(a);
    const credits = a.mdSent.slice(since).filter((m) => m.type === 'credit');
    const credited = credits.reduce((s, m) => s + m.frames, 0);
    // ≥ 0.8 s of 1 s: the page plays on (a stalled worklet plays nothing and credits 0 frames)
    t.check(`round ${round + 1}: page 1 took the listener back and plays on`, frames >= 0.8 * 48000 && credited >= 0.8 * 48000,
      `${frames} frames tapped, ${credited} credited in ${credits.length} credits over 1 s; fill ${credits.length ? credits[credits.length - 1].buffered : '?'} frames`);
  }
  t.check('no page error', a.mdErrors.length === 0 && b.mdErrors.length === 0, [...a.mdErrors, ...b.mdErrors].join('; ').slice(0, 200));
}
