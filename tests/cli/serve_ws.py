#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# A minimal WebSocket page for tests/cli/test_serve.sh (RFC 6455 by hand:
# no library): it plays a scenario against `mixdown serve` and prints what
# it measured, one `NAME VALUE` line each, for the script to check.
#   serve_ws.py PORT TOKEN stream|takeover|refusals|slow|levels|hello
#   serve_ws.py PORT TOKEN oscmoves OSC_PORT
import base64
import json
import os
import select
import socket
import struct
import sys
import time

RATE = 48000


class Page:
    def __init__(self, port, token):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.s.sendall((f"GET /ws?token={token} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                        f"Sec-WebSocket-Protocol: mixdown\r\nOrigin: http://127.0.0.1:{port}\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.s.recv(1)
        self.status = head.split(b"\r\n")[0].decode()
        self.buf = b""

    def send(self, payload, opcode=1):
        data = payload.encode() if isinstance(payload, str) else payload
        mask = os.urandom(4)
        n = len(data)
        head = bytes([0x80 | opcode])
        head += bytes([0x80 | n]) if n < 126 else (bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536
                                                    else bytes([0x80 | 127]) + struct.pack(">Q", n))
        self.s.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _need(self, n, deadline):
        while len(self.buf) < n:
            left = deadline - time.time()
            if left <= 0 or not select.select([self.s], [], [], left)[0]:
                return False
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError("closed")
            self.buf += chunk
        return True

    def recv(self, timeout):
        """(opcode, payload) of the next frame, or None after `timeout` seconds."""
        deadline = time.time() + timeout
        if not self._need(2, deadline):
            return None
        n = self.buf[1] & 127
        at = 2
        if n == 126:
            if not self._need(4, deadline):
                return None
            n, at = struct.unpack(">H", self.buf[2:4])[0], 4
        elif n == 127:
            if not self._need(10, deadline):
                return None
            n, at = struct.unpack(">Q", self.buf[2:10])[0], 10
        if not self._need(at + n, deadline):
            return None
        op, data = self.buf[0] & 15, self.buf[at:at + n]
        self.buf = self.buf[at + n:]
        return op, data

    def texts(self, seconds):
        """Every text message within `seconds` (binary frames ignored)."""
        out, end = [], time.time() + seconds
        while time.time() < end:
            f = self.recv(end - time.time())
            if f and f[0] == 1:
                out.append(json.loads(f[1]))
        return out


def say(name, value):
    print(name, value, flush=True)


def stream(port, token):
    """One listening page crediting at real time for 2 s."""
    p = Page(port, token)
    p.send('{"type":"hello","audio":true,"tap":false}')
    first = []
    frames = credited = held = packets = meters = strips = 0
    magic_ok, generations, bad_frames = True, set(), 0
    start = time.time()
    while time.time() - start < 2.0:
        f = p.recv(0.005)
        if f and f[0] == 2:
            magic, n, gen, flags, pos = struct.unpack("<IIIIq", f[1][:24])
            magic_ok &= magic == 0x4D445043 and len(f[1]) == 24 + 8 * n
            generations.add(gen)
            frames, held, packets = frames + n, held + n, packets + 1
        elif f and f[0] == 1:
            m = json.loads(f[1])
            first.append(m["type"])
            if m["type"] == "meters":
                meters += 1
                strips = len(m["strips"])
                bad_frames += any(len(x) != 2 or not -200 <= x[1] <= x[0] + 1e-9 <= 24 for x in m["strips"])
            if m["type"] == "audio":
                say("audio", f'{m["rate"]},{m["channels"]},{m["target_frames"]}')
            if m["type"] == "state":
                say("state", f'listener={json.dumps(m.get("listener"))},jack={json.dumps(m.get("jack"))}')
        due = int((time.time() - start) * RATE)
        if due - credited >= 960 and held:  # about every 20 ms, as the worklet does
            n = min(due - credited, held)
            p.send(json.dumps({"type": "credit", "frames": n, "underruns": 0, "buffered": held - n}))
            credited, held = credited + n, held - n
    elapsed = time.time() - start
    # No more credits: what arrives now is the rest of the fill.
    end = time.time() + 0.5
    while time.time() < end:
        f = p.recv(end - time.time())
        if f and f[0] == 2:
            frames += struct.unpack("<I", f[1][4:8])[0]
    say("first", ",".join(first[:2]))
    say("packets", packets)
    say("magic", int(magic_ok))
    say("generations", len(generations))
    say("ahead", frames - credited)  # rendered beyond what was credited: the fill, exactly
    say("frames", frames)
    say("meters_hz", f"{meters / elapsed:.1f}")
    say("strips", strips)
    say("bad_meters", bad_frames)


def takeover(port, token):
    """A second page that asks to listen takes the mix; the first is told."""
    a, b = Page(port, token), Page(port, token)
    a.send('{"type":"hello","audio":true}')
    got_a = [m["type"] for m in a.texts(0.5)]
    b.send('{"type":"hello","audio":false}')
    got_b = b.texts(0.5)
    say("b_state", ",".join(f'listener={json.dumps(m.get("listener"))}' for m in got_b if m["type"] == "state"))
    got_b = [m["type"] for m in got_b]
    b.send('{"type":"listen"}')
    after_a = [m for m in a.texts(0.5) if m["type"] == "listener"]
    after_b = [m["type"] for m in b.texts(0.5)]
    say("a", ",".join(t for t in got_a if t in ("state", "audio")))
    say("b", ",".join(t for t in got_b if t in ("state", "audio")))
    say("a_after", json.dumps(after_a[0], separators=(",", ":")) if after_a else "none")
    say("b_after", "audio" if "audio" in after_b else "none")


def refusals(port, token):
    p = Page(port, token)
    p.send("not json")
    e1 = [m for m in p.texts(0.5) if m["type"] == "error"]
    p.send('{"type":"hello"}' + " " * 70000)
    e2 = [m for m in p.texts(0.5) if m["type"] == "error"]
    p.send(b"\x00\x01", opcode=2)  # a binary frame: ignored
    p.send('{"type":"hello"}')
    e3 = [m["type"] for m in p.texts(0.5)]
    say("bad_json", "error" if e1 else "none")
    say("too_long", e2[0]["message"] if e2 else "none")
    say("after", "state" if "state" in e3 else "none")


def slow(port, token):
    """A page that reads nothing for 2 s does not hold up another."""
    stuck, p = Page(port, token), Page(port, token)
    stuck.send('{"type":"hello"}')
    p.send('{"type":"hello"}')
    got = p.texts(2.0)
    say("other_meters", sum(1 for m in got if m["type"] == "meters"))
    stuck.texts(0.2)  # it still works once it reads
    stuck.send('{"type":"hello"}')
    say("stuck_state", "state" if any(m["type"] == "state" for m in stuck.texts(1.0)) else "none")


def hello(port, token):
    """A page that asks to hear the mix: what the state says, what follows."""
    p = Page(port, token)
    p.send('{"type":"hello","audio":true}')
    got = p.texts(1.0)
    for m in got:
        if m["type"] == "state":
            say("state", f'listener={json.dumps(m.get("listener"))},jack={json.dumps(m.get("jack"))}')
    say("types", ",".join(sorted({m["type"] for m in got} - {"meters", "transport"})))


def levels(port, token):
    """A page that does not listen (the wall clock drives the player): the
    highest peak of each strip's meters over 1.5 s."""
    p = Page(port, token)
    p.send('{"type":"hello"}')
    peaks = None
    for m in p.texts(1.5):
        if m["type"] == "meters":
            now = [x[0] for x in m["strips"]]
            peaks = now if peaks is None else [max(a, b) for a, b in zip(peaks, now)]
    say("peaks", ",".join(f"{x:.2f}" for x in peaks or []))


def giveback(port, token):
    """A move takes the tone's gain envelope (-30 dB) over; its undo gives
    the envelope back to the mix.  Prints the tone strip's peak (median of
    the meter windows of the last half second) under the envelope, after
    the move to 0 dB and after the undo, and the undo's value message (the
    page does not listen: the wall clock drives the player, looping 0-2 s)."""
    p = Page(port, token)
    p.send('{"type":"hello"}')
    p.texts(0.3)
    p.send('{"type":"transport","action":"loop","from_s":0,"to_s":2}')
    p.send('{"type":"transport","action":"play"}')

    def settled_peak(messages):
        peaks = [m["strips"][0][0] for m in messages if m["type"] == "meters"]
        late = sorted(peaks[len(peaks) // 2:])
        return late[len(late) // 2] if late else None

    envelope = settled_peak(p.texts(1.0))
    p.send('{"type":"set","address":"/track/tone/gain_db","value":0}')
    moved = settled_peak(p.texts(1.0))
    p.send('{"type":"undo"}')
    after = p.texts(1.0)
    undone = [m for m in after if m["type"] == "value" and m["address"] == "/track/tone/gain_db"]
    say("peaks", ",".join("none" if x is None else f"{x:.2f}" for x in (envelope, moved, settled_peak(after))))
    say("undo_value", f'{undone[-1]["value"]:g},{json.dumps(undone[-1]["automated"])}' if undone else "none")


def osc_floats(osc_port, address, *values):
    """One OSC message ADDRESS ,f… VALUES over UDP (OSC 1.0 by hand)."""
    def padded(b):
        return b + b"\0" * (4 - len(b) % 4)
    datagram = (padded(address.encode()) + padded(b"," + b"f" * len(values)) +
                b"".join(struct.pack(">f", v) for v in values))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        u.sendto(datagram, ("127.0.0.1", osc_port))


def shown_loop(p, want, seconds):
    """Milliseconds until a transport message says the loop `want` (a pair,
    or None), or None if none does within `seconds`."""
    sent, end = time.time(), time.time() + seconds
    while time.time() < end:
        f = p.recv(end - time.time())
        if f and f[0] == 1:
            m = json.loads(f[1])
            if m["type"] == "transport" and m["loop"] == want:
                return round((time.time() - sent) * 1000)
    return None


def oscmoves(port, token, osc_port):
    """A move over OSC shows in the page and becomes an undo step; a page's
    move and OSC's at once (two senders to one player); the page saves."""
    p = Page(port, token)
    p.send('{"type":"hello"}')
    p.texts(0.3)
    osc_floats(osc_port, "/track/tone/gain_db", -10.0)
    got = p.texts(0.8)
    shown = [m for m in got if m["type"] == "value" and m["address"] == "/track/tone/gain_db"]
    say("osc_value", f'{shown[-1]["value"]:g},{json.dumps(shown[-1]["client"])}' if shown else "none")
    history = [m for m in got if m["type"] == "history"]
    say("osc_step", f'can_undo={json.dumps(history[-1]["can_undo"])}' if history else "none")
    # Both at once for a second: OSC on the pan, the page on the fader.
    end = time.time() + 1.0
    k = 0
    while time.time() < end:
        osc_floats(osc_port, "/track/tone/pan", (k % 20) / 20.0 - 0.5)
        p.send(json.dumps({"type": "set", "address": "/track/tone/gain_db", "value": -(k % 12), "gesture": "g1"}))
        k += 1
        time.sleep(0.002)
    p.send(json.dumps({"type": "set", "address": "/track/tone/gain_db", "value": -3, "gesture": "g1"}))
    p.send('{"type":"end","gesture":"g1"}')
    osc_floats(osc_port, "/track/tone/pan", 0.25)
    p.texts(0.6)  # the burst of OSC moves ends: a step
    p.send('{"type":"save"}')
    saved = [m for m in p.texts(1.0) if m["type"] in ("saved", "error")]
    say("moves", k)
    say("saved", saved[0]["type"] if saved else "none")
    # A loop set and cleared over OSC shows in the page's transport.
    osc_floats(osc_port, "/transport/loop", 0.5, 1.5)
    on_ms = shown_loop(p, [0.5, 1.5], 2.0)
    osc_floats(osc_port, "/transport/loop")
    off_ms = shown_loop(p, None, 2.0)
    say("osc_loop", f"{on_ms},{off_ms}")


if __name__ == "__main__":
    if sys.argv[3] == "oscmoves":
        oscmoves(int(sys.argv[1]), sys.argv[2], int(sys.argv[4]))
        sys.exit(0)
    port, token, scenario = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    {"stream": stream, "takeover": takeover, "refusals": refusals, "slow": slow, "levels": levels,
     "hello": hello, "giveback": giveback}[scenario](port, token)
