#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A headless listener for bench/serve.sh: a page's worklet without a browser.

Connects to `mixdown serve`'s WebSocket (the standard library only: the
handshake and the frames of RFC 6455 written out), says hello as the
listener, starts the transport, and then plays the PCM packets in real time
as the page's AudioWorklet does: every 20 ms it takes the frames that the
wall clock says were played from what it holds (an underrun when it holds
too few) and credits them. After `--warmup` seconds it measures for
`--seconds`, then prints one line of JSON: frames received, underruns, the
frames held (min, max) and meters messages.

    serve_client.py URL --seconds S [--warmup W] [--start-file PATH] [--osc PORT]

--osc PORT: also says /transport/play over OSC (UDP, 127.0.0.1:PORT) to
the server started with --osc PORT, beside the page's transport message.

--start-file: written when the measured span starts (bench/serve.sh reads
the server's CPU time then), and again with "end" when it ends.
"""
import argparse
import base64
import json
import os
import select
import socket
import struct
import sys
import time
import urllib.parse

CREDIT_S = 0.02  # the worklet credits about every 20 ms


class Socket:
    """A WebSocket client: masked frames out, whole messages in."""

    def __init__(self, url):
        u = urllib.parse.urlparse(url)
        token = urllib.parse.parse_qs(u.query)["token"][0]
        self.sock = socket.create_connection((u.hostname, u.port))
        key = base64.b64encode(os.urandom(16)).decode()
        origin = f"http://{u.hostname}:{u.port}"
        request = (f"GET /ws?token={token} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\n"
                   f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                   f"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mixdown\r\nOrigin: {origin}\r\n\r\n")
        self.sock.sendall(request.encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise SystemExit("serve_client: the server closed during the handshake")
            self.buffer += chunk
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise SystemExit(f"serve_client: upgrade refused: {head.decode(errors='replace')}")
        self.parts = []

    def send_json(self, obj):
        payload = json.dumps(obj).encode()
        mask = os.urandom(4)
        n = len(payload)
        header = bytes([0x81])
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def _frame(self):
        """One frame from the buffer: (fin, opcode, payload), or None."""
        b = self.buffer
        if len(b) < 2:
            return None
        n = b[1] & 0x7F
        at = 2
        if n == 126:
            if len(b) < 4:
                return None
            n = struct.unpack("!H", b[2:4])[0]
            at = 4
        elif n == 127:
            if len(b) < 10:
                return None
            n = struct.unpack("!Q", b[2:10])[0]
            at = 10
        if len(b) < at + n:
            return None
        self.buffer = b[at + n:]
        return bool(b[0] & 0x80), b[0] & 0x0F, b[at:at + n]

    def messages(self, timeout):
        """Messages (opcode, payload) that arrive within `timeout` seconds."""
        out = []
        if select.select([self.sock], [], [], max(timeout, 0.0))[0]:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise SystemExit("serve_client: the server closed the connection")
            self.buffer += chunk
        while (frame := self._frame()) is not None:
            fin, opcode, payload = frame
            if opcode == 0x9:  # ping: pong, masked
                mask = os.urandom(4)
                self.sock.sendall(bytes([0x8A, 0x80 | len(payload)]) + mask +
                                  bytes(c ^ mask[i % 4] for i, c in enumerate(payload)))
                continue
            if opcode == 0x8:
                raise SystemExit("serve_client: the server closed the connection")
            self.parts.append((opcode, payload))
            if fin:
                first = self.parts[0][0]
                out.append((first, b"".join(p for _, p in self.parts)))
                self.parts = []
        return out


def osc_play(port):
    """/transport/play as an OSC message without arguments (type tags ",")."""
    def padded(text):
        raw = text.encode() + b"\0"
        return raw + b"\0" * (-len(raw) % 4)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.sendto(padded("/transport/play") + padded(","), ("127.0.0.1", port))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--warmup", type=float, default=3.0)
    ap.add_argument("--start-file")
    ap.add_argument("--osc", type=int)
    args = ap.parse_args()

    ws = Socket(args.url)
    ws.send_json({"type": "hello", "audio": True, "tap": False})
    rate = 48000
    target = 2048
    generation = None
    held = 0          # frames the "worklet" holds
    due = 0.0         # frames the clock has asked for, not yet played
    underruns = 0
    started = False   # playing: the first packet came
    playing_sent = False
    measuring = False
    stats = {"frames_received": 0, "frames_playing": 0, "packets": 0, "meters": 0, "held_min": None, "held_max": 0,
             "underruns": 0, "credits": 0}
    begin = time.monotonic()
    last = begin
    next_credit = begin + CREDIT_S
    while True:
        now = time.monotonic()
        if not measuring and now - begin >= args.warmup:
            measuring = True
            measure_start = now
            underruns_at_start = underruns
            if args.start_file:
                with open(args.start_file, "w") as f:
                    f.write("start\n")
        if measuring and now - measure_start >= args.seconds:
            break
        for opcode, payload in ws.messages(next_credit - now):
            if opcode == 0x2:
                magic, frames, gen, flags = struct.unpack("<IIII", payload[:16])
                if magic != 0x4D445043 or len(payload) != 24 + 8 * frames:
                    raise SystemExit("serve_client: a malformed PCM packet")
                if generation is None or gen > generation:
                    generation, held = gen, 0  # a new stream: drop what is held
                elif gen < generation:
                    continue
                held += frames
                started = True
                if measuring:
                    stats["frames_received"] += frames
                    stats["frames_playing"] += frames if flags & 1 else 0
                    stats["packets"] += 1
            else:
                message = json.loads(payload)
                kind = message.get("type")
                if kind == "state":
                    rate = int(message.get("rate", rate))
                    if not playing_sent:
                        ws.send_json({"type": "transport", "action": "play"})
                        if args.osc:
                            osc_play(args.osc)
                        playing_sent = True
                elif kind == "audio":
                    target = int(message.get("target_frames", target))
                elif kind == "meters" and measuring:
                    stats["meters"] += 1
        now = time.monotonic()
        if now >= next_credit:
            next_credit += CREDIT_S
            if now > next_credit:  # late by more than a credit: catch up from now
                next_credit = now + CREDIT_S
            if started:
                due += (now - last) * rate
                frames = min(held, int(due))
                if frames < int(due):
                    underruns += 1
                    due = 0.0  # the silence of an underrun is not made up later
                else:
                    due -= frames
                held -= frames
                ws.send_json({"type": "credit", "frames": frames, "underruns": underruns, "buffered": held})
                if measuring:
                    stats["credits"] += 1
                    stats["held_min"] = held if stats["held_min"] is None else min(stats["held_min"], held)
                    stats["held_max"] = max(stats["held_max"], held)
            last = now
    if args.start_file:
        with open(args.start_file, "w") as f:
            f.write("end\n")
    stats["underruns"] = underruns - underruns_at_start
    stats["seconds"] = args.seconds
    stats["rate"] = rate
    stats["target_frames"] = target
    print(json.dumps(stats))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
