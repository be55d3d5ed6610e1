// SPDX-License-Identifier: GPL-3.0-or-later
// Security of `mixdown serve` (issue 19.2) from node (raw HTTP, every byte
// of the request ours) and from chromium: no token, a wrong token, a
// foreign Host (DNS rebinding), a foreign Origin on the WebSocket, `..`
// and encoded paths are refused; the right token, Host and Origin are let
// in (so that each refusal is measured against an acceptance).
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { startServer, launchBrowser, sleep } from './lib.mjs';

export const title = 'security: token, Host, Origin, paths (node and chromium)';

/// Sends `text` to 127.0.0.1:port and reads the answer until the server
/// closes or (for an upgrade) the head has arrived: {status, headers, body}.
function raw(port, text, { headOnly = false } = {}) {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let got = Buffer.alloc(0);
    const finish = () => {
      s.destroy();
      const all = got.toString('latin1'), end = all.indexOf('\r\n\r\n');
      const head = end >= 0 ? all.slice(0, end) : all;
      const lines = head.split('\r\n');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] || '');
      const headers = {};
      for (const l of lines.slice(1)) { const i = l.indexOf(':'); if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim(); }
      resolve({ status: m ? Number(m[1]) : 0, headers, body: end >= 0 ? all.slice(end + 4) : '' });
    };
    const timer = setTimeout(finish, 3000);
    s.on('data', (d) => {
      got = Buffer.concat([got, d]);
      if (headOnly && got.includes('\r\n\r\n')) { clearTimeout(timer); finish(); }
      const all = got.toString('latin1'), end = all.indexOf('\r\n\r\n');
      const len = /\r\ncontent-length:\s*(\d+)/i.exec(all);
      if (end >= 0 && len && got.length >= end + 4 + Number(len[1])) { clearTimeout(timer); finish(); }
    });
    s.on('end', () => { clearTimeout(timer); finish(); });
    s.on('error', (e) => { clearTimeout(timer); got.length ? finish() : reject(e); });
    s.write(text);
  });
}

const get = (port, path, { host = `127.0.0.1:${port}`, extra = '' } = {}) =>
  raw(port, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n${extra}\r\n`);

const upgrade = (port, path, { host = `127.0.0.1:${port}`, origin = `http://127.0.0.1:${port}` } = {}) =>
  raw(port, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mixdown\r\n` +
    (origin ? `Origin: ${origin}\r\n` : '') + '\r\n', { headOnly: true });

const refused = (r) => r.status >= 400 && r.status < 500;
const leaks = (r) => /root:.*:0:0:|<script|mixdownTap|customElements/.test(r.body);

export async function run(t) {
  const server = await startServer(t.mixdown, join(t.work, 'tone', 'tone.yaml'));
  const { port, token } = server;
  const wrong = token.replace(/^./, (c) => (c === '0' ? '1' : '0'));

  // -- from node: every byte of the request ours --
  const ok = await get(port, `/?token=${token}`);
  t.check('node: the page with the token and a loopback Host is served', ok.status === 200, `status ${ok.status}`);
  const cookie = ok.headers['set-cookie'] || '';
  t.check('node: the page sets the token cookie HttpOnly, SameSite=Strict',
    cookie.startsWith(`mixdown_token_${port}=${token}`) && /HttpOnly/i.test(cookie) && /SameSite=Strict/i.test(cookie), cookie);
  const csp = ok.headers['content-security-policy'] || '';
  t.check("node: Content-Security-Policy default-src 'self'", /default-src 'self'/.test(csp), csp);
  const cors = Object.keys(ok.headers).filter((h) => h.startsWith('access-control-'));
  t.check('node: no CORS header', cors.length === 0, cors.join(' ') || 'none');

  const none = await get(port, '/');
  t.check('node: no token: 403 and nothing else', none.status === 403 && !leaks(none), `status ${none.status}, ${none.body.length} bytes`);
  const bad = await get(port, `/?token=${wrong}`);
  t.check('node: a wrong token: 403', bad.status === 403 && !leaks(bad), `status ${bad.status}`);
  const short = await get(port, `/?token=${token.slice(0, 32)}`);
  t.check('node: half the token: 403', short.status === 403, `status ${short.status}`);
  const withCookie = await get(port, '/', { extra: `Cookie: mixdown_token_${port}=${token}\r\n` });
  t.check('node: the token in the cookie alone is let in', withCookie.status === 200, `status ${withCookie.status}`);
  const badCookie = await get(port, '/', { extra: `Cookie: mixdown_token_${port}=${wrong}\r\n` });
  t.check('node: a wrong cookie: 403', badCookie.status === 403, `status ${badCookie.status}`);

  for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1.evil.example:${port}`, `127.0.0.1:${port + 1}`]) {
    const r = await get(port, `/?token=${token}`, { host });
    t.check(`node: foreign Host ${host} with the token refused`, refused(r) && !leaks(r), `status ${r.status}`);
  }
  const localhost = await get(port, `/?token=${token}`, { host: `localhost:${port}` });
  t.check('node: Host localhost:PORT is let in', localhost.status === 200, `status ${localhost.status}`);

  const paths = ['/../../../../etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd', '/app.js/../../../etc/passwd', '//etc/passwd', '/%2fetc%2fpasswd',
    '/..\\..\\etc\\passwd', '/index.html%00.js'];
  for (const p of paths) {
    const q = p.includes('?') ? '&' : '?';
    const r = await get(port, `${p}${q}token=${token}`);
    // (libwebsockets itself drops a request whose path decodes to a NUL: no answer at all)
    const closed = r.status === 0 && r.body === '';
    t.check(`node: path ${p} refused (403/404 or closed unanswered), nothing of the file`,
      (r.status === 403 || r.status === 404 || closed) && !/root:/.test(r.body), closed ? 'closed without an answer' : `status ${r.status}`);
  }

  const wsOk = await upgrade(port, `/ws?token=${token}`);
  t.check('node: WebSocket upgrade with the token and the page\'s Origin: 101', wsOk.status === 101, `status ${wsOk.status}`);
  const wsNone = await upgrade(port, '/ws');
  t.check('node: WebSocket upgrade without the token refused', wsNone.status !== 101 && wsNone.status !== 0, `status ${wsNone.status}`);
  const wsBad = await upgrade(port, `/ws?token=${wrong}`);
  t.check('node: WebSocket upgrade with a wrong token refused', wsBad.status !== 101 && wsBad.status !== 0, `status ${wsBad.status}`);
  for (const origin of ['http://evil.example', `http://evil.example:${port}`, 'null', `https://127.0.0.1:${port}`, '']) {
    const r = await upgrade(port, `/ws?token=${token}`, { origin });
    t.check(`node: WebSocket upgrade with Origin ${JSON.stringify(origin)} refused`, r.status !== 101 && r.status !== 0, `status ${r.status}`);
  }
  const wsHost = await upgrade(port, `/ws?token=${token}`, { host: `evil.example:${port}`, origin: `http://evil.example:${port}` });
  t.check('node: WebSocket upgrade with a foreign Host (and its Origin) refused', wsHost.status !== 101 && wsHost.status !== 0, `status ${wsHost.status}`);

  // -- from chromium --
  const browser = await launchBrowser([`--host-resolver-rules=MAP rebind.test 127.0.0.1`]);
  const page = await browser.context.newPage();
  let r = await page.goto(`http://127.0.0.1:${port}/`);
  t.check('chromium: the page without the token: 403', r.status() === 403, `status ${r.status()}`);
  r = await page.goto(`http://127.0.0.1:${port}/?token=${wrong}`);
  t.check('chromium: a wrong token: 403', r.status() === 403, `status ${r.status()}`);
  r = await page.goto(`http://rebind.test:${port}/?token=${token}`);
  t.check('chromium: a DNS-rebound name (rebind.test → 127.0.0.1) with the token: refused', r.status() >= 400, `status ${r.status()}`);

  // A page of another origin (a server of ours on another port) that knows
  // the token: its WebSocket must not open, its fetch must not read.
  const foreign = createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<!doctype html><title>foreign</title>'); });
  await new Promise((res) => foreign.listen(0, '127.0.0.1', res));
  try {
    await page.goto(`http://127.0.0.1:${foreign.address().port}/`);
    const ws = await page.evaluate(async ([p, tok]) => new Promise((resolve) => {
      const s = new WebSocket(`ws://127.0.0.1:${p}/ws?token=${tok}`, 'mixdown');
      s.onopen = () => { s.close(); resolve('open'); };
      s.onclose = () => resolve('closed');
      setTimeout(() => resolve('timeout'), 5000);
    }), [port, token]);
    t.check('chromium: a foreign origin\'s WebSocket with the token does not open', ws === 'closed', ws);
    const fetched = await page.evaluate(async ([p, tok]) => {
      try { const res = await fetch(`http://127.0.0.1:${p}/?token=${tok}`); return `read ${(await res.text()).length} bytes`; } catch (e) { return 'refused'; }
    }, [port, token]);
    t.check('chromium: a foreign origin cannot read the console (no CORS)', fetched === 'refused', fetched);
  } finally {
    foreign.close();
  }
  // And the acceptance it is measured against: the console's own page opens its socket.
  await page.goto(server.url);
  const own = await page.evaluate(async ([p, tok]) => new Promise((resolve) => {
    const s = new WebSocket(`ws://127.0.0.1:${p}/ws?token=${tok}`, 'mixdown');
    s.onopen = () => { s.close(); resolve('open'); };
    s.onclose = () => resolve('closed');
    setTimeout(() => resolve('timeout'), 5000);
  }), [port, token]);
  t.check('chromium: the console\'s own origin opens the socket', own === 'open', own);
  await sleep(100);
}
