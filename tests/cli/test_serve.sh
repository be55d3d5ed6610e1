#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# mixdown serve, from the outside: the first line, the token, the cookie,
# Host and Origin checks, paths, headers, WebSocket upgrades, two servers
# at once, stopping on SIGINT/SIGTERM, a bad session — with curl.  What
# the page does is tested in tests/browser/ (chromium).  Every server
# here binds 127.0.0.1 on a free port (--port 0, read from its first line)
# and is stopped at the end whatever happens.
#   tests/cli/test_serve.sh BUILD_DIR [--sanitized]
set -u
build=$(cd "${1:?usage: test_serve.sh BUILD_DIR [--sanitized]}" && pwd)
mixdown="$build/mixdown"
tool="$build/mixdown-testtool"
here=$(cd "$(dirname "$0")" && pwd)

# shellcheck source=harness.sh
. "$here/harness.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-serve-XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1
mkdir song
"$tool" sine song/tone.wav 2 440 2 48000
cat > song/song.yaml <<'YAML'
mixdown: 1
sample_rate: 48000
tracks:
  - {name: tone, file: tone.wav, gain_db: -6}
YAML

# serve NAME ARGS…: starts `mixdown serve ARGS…`, waits (up to 60 s: a
# sanitizer build is slow) for its first line; sets url, port, token, pid.
serve() {
  local name=$1
  shift
  "$mixdown" serve "$@" > "$work/$name.out" 2> "$work/$name.err" &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 600); do
    [ -s "$work/$name.out" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  url=$(head -n 1 "$work/$name.out")
  port=$(sed -n 's|^http://127\.0\.0\.1:\([0-9]*\)/?token=[0-9a-f]*$|\1|p' <<< "$url")
  token=${url##*token=}
}

# stop PID SIGNAL: sends it, waits up to 60 s; sets stop_rc (124: still running).
stop() {
  local hung=0
  kill -"$2" "$1" 2>/dev/null
  for _ in $(seq 600); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$1" 2>/dev/null; then
    hung=1
    kill -KILL "$1"
  fi
  wait "$1" 2>/dev/null
  stop_rc=$?
  [ "$hung" -eq 1 ] && stop_rc=124
}

# status PATH [curl options…]: the status code of a GET to the server.
status() {
  local path=$1
  shift
  curl -s -o "$work/body" -D "$work/headers" -w '%{http_code}' --path-as-is --max-time 20 "$@" \
    "http://127.0.0.1:$port$path"
}
header() { grep -i "^$1:" "$work/headers" | head -n 1 | cut -d' ' -f2- | tr -d '\r'; }

# upgrade ORIGIN PATH [curl options…]: the status line of a WebSocket handshake.
upgrade() {
  local origin=$1 path=$2
  shift 2
  curl -s -i -N --max-time 3 -H "Connection: Upgrade" -H "Upgrade: websocket" -H "Sec-WebSocket-Version: 13" \
    -H "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==" -H "Sec-WebSocket-Protocol: mixdown" \
    ${origin:+-H "Origin: $origin"} "$@" "http://127.0.0.1:$port$path" 2>/dev/null | head -n 1 | tr -d '\r'
}

# ------------------------------------------------------------ the first line
listing() { (cd song && find . -printf '%p %s %T@\n' | sort && sha256sum song.yaml); }
before=$(listing)
serve main song/song.yaml --port 0
[[ "$url" =~ ^http://127\.0\.0\.1:[0-9]+/\?token=[0-9a-f]{64}$ ]] && [ -n "$port" ] && [ "$port" -gt 0 ] &&
  ok "the first line is the URL http://127.0.0.1:PORT/?token=(64 hex digits); --port 0 picked port $port" ||
  fail "first line" "$url" "$(cat "$work/main.err")"
[ "$(wc -l < "$work/main.out")" -eq 1 ] && ok "stdout has the URL alone" || fail "stdout" "$(cat "$work/main.out")"
[[ "$(cat "$work/main.err")" != *warning* ]] && ok "127.0.0.1: no warning" || fail "warning" "$(cat "$work/main.err")"
[ -z "$port" ] && { echo "serve: no server: the rest cannot run"; echo "serve: $passed passed, $((failed + 1)) failed, $skipped skipped"; exit 1; }

# ------------------------------------------------------------ the token
code=$(status "/?token=$token")
[ "$code" = 200 ] && [[ "$(header content-type)" == "text/html; charset=utf-8" ]] && grep -qi '<html' "$work/body" &&
  ok "GET /?token=TOKEN: 200, the page (text/html)" || fail "page with token" "code=$code" "$(cat "$work/headers")"
cookie=$(header set-cookie)
[ "$cookie" = "mixdown_token_$port=$token; Path=/; HttpOnly; SameSite=Strict" ] &&
  ok "the page sets the cookie mixdown_token_$port (Path=/, HttpOnly, SameSite=Strict)" || fail "cookie" "$cookie"
csp=$(header content-security-policy)
[[ "$csp" == "default-src 'self';"* ]] && [[ "$csp" == *"connect-src 'self' ws://127.0.0.1:$port;"* ]] &&
  [[ "$csp" == *"frame-ancestors 'none'"* ]] &&
  ok "CSP: default-src 'self'; connect-src its own socket; no framing" || fail "CSP" "$csp"
[ "$(header x-content-type-options)" = nosniff ] && [ "$(header cache-control)" = no-store ] &&
  [ "$(header referrer-policy)" = no-referrer ] &&
  ok "nosniff, no-store, no-referrer" || fail "headers" "$(cat "$work/headers")"

no_cors=0
check_no_cors() { grep -qi '^access-control-' "$work/headers" && no_cors=1; }
check_no_cors
last=$([ "${token:63}" = 0 ] && echo 1 || echo 0)
for case in "no token|" "an empty token|?token=" "the token less its last digit|?token=${token:0:63}" \
            "the token and one digit more|?token=${token}0" "the token with its last digit changed|?token=${token:0:63}$last" \
            "the token in upper case|?token=${token^^}"; do
  IFS='|' read -r what t <<< "$case"
  [ "$t" = "?token=$token" ] && continue # no letter in it to change case
  code=$(status "/$t" -H "Origin: http://evil.example")
  check_no_cors
  body=$(cat "$work/body")
  [ "$code" = 403 ] && [ "$body" = forbidden ] && [ -z "$(header set-cookie)" ] &&
    ok "GET / with $what: 403, body \`forbidden\` alone, no cookie" || fail "GET / with $what" "code=$code" "$body"
done
code=$(status /app.js)
[ "$code" = 403 ] && ok "an asset without the token: 403" || fail "asset no token" "code=$code"
code=$(status /index.html -b "mixdown_token_$port=$token")
[ "$code" = 200 ] && [ -z "$(header set-cookie)" ] && ok "the cookie alone is enough (no new cookie)" ||
  fail "cookie alone" "code=$code"
wrong=${token:0:63}; [ "${token:63:1}" = 0 ] && wrong+=1 || wrong+=0  # never the token itself
code=$(status /index.html -b "mixdown_token_$port=$wrong")
[ "$code" = 403 ] && ok "a wrong cookie: 403" || fail "wrong cookie" "code=$code"
code=$(status /index.html -b "mixdown_token_$((port + 1))=$token")
[ "$code" = 403 ] && ok "the cookie of another port: 403" || fail "other port's cookie" "code=$code"

# ------------------------------------------------------------ Host (DNS rebinding)
for host in "evil.example:$port" "127.0.0.1:$((port + 1))" "127.0.0.1" "127.0.0.1.evil.example:$port" ""; do
  code=$(status "/?token=$token" -H "Host: $host")
  [ "$code" = 403 ] && ok "Host \`$host\`: 403" || fail "Host $host" "code=$code"
done
for host in "localhost:$port" "[::1]:$port"; do
  code=$(status "/?token=$token" -H "Host: $host")
  [ "$code" = 200 ] && ok "Host \`$host\`: 200" || fail "Host $host" "code=$code"
done

# ------------------------------------------------------------ paths
# lws resolves `.` and `..` segments and %-escapes before the server sees
# the path: what climbs ends on a bundled name or on none (404); what is
# left that could name a file another way (a backslash) is 403.
for p in "/../../../../etc/passwd" "/%2e%2e/%2e%2e/%2e%2e/etc/passwd" "/..%2f..%2f..%2fetc%2fpasswd" \
         "/%2e%2e%2f%2e%2e%2fetc%2fpasswd" "/song.yaml" "/../song/song.yaml" "/nothing.js"; do
  code=$(status "$p?token=$token")
  { [ "$code" = 403 ] || [ "$code" = 404 ]; } && ! grep -q 'root:\|mixdown: 1' "$work/body" &&
    ok "$p: $code, nothing of the file system" || fail "$p" "code=$code" "$(head -c 200 "$work/body")"
done
for p in '/a%5cb' '/a\b'; do
  code=$(status "$p?token=$token")
  [ "$code" = 403 ] && ok "$p: 403" || fail "$p" "code=$code"
done
code=$(status "/?token=$token" -X POST -d x=1)
[ "$code" = 405 ] && ok "POST: 405" || fail "POST" "code=$code"
code=$(status "/?token=$token" -X OPTIONS -H "Origin: http://evil.example" -H "Access-Control-Request-Method: GET")
check_no_cors
[ "$no_cors" -eq 0 ] && ok "no Access-Control-* header on any answer (a preflight included: $code)" ||
  fail "CORS header" "$(cat "$work/headers")"

# ------------------------------------------------------------ WebSocket upgrades
origin="http://127.0.0.1:$port"
line=$(upgrade "$origin" "/ws?token=$token")
[[ "$line" == *" 101 "* ]] && ok "upgrade with the token, its Origin and protocol mixdown: 101" || fail "upgrade" "$line"
line=$(upgrade "$origin" /ws -b "mixdown_token_$port=$token")
[[ "$line" == *" 101 "* ]] && ok "upgrade with the cookie: 101" || fail "upgrade cookie" "$line"
line=$(upgrade "http://localhost:$port" "/ws?token=$token" -H "Host: localhost:$port")
[[ "$line" == *" 101 "* ]] && ok "upgrade as localhost: 101" || fail "upgrade localhost" "$line"
for case in "foreign Origin|http://evil.example|/ws?token=$token" \
            "Origin of another port|http://127.0.0.1:$((port + 1))|/ws?token=$token" \
            "Origin localhost to Host 127.0.0.1|http://localhost:$port|/ws?token=$token" \
            "no Origin||/ws?token=$token" \
            "no token|$origin|/ws" \
            "wrong token|$origin|/ws?token=${token:0:63}x" \
            "another path|$origin|/socket?token=$token"; do
  IFS='|' read -r what o p <<< "$case"
  line=$(upgrade "$o" "$p")
  [[ "$line" == *" 403 "* ]] && ok "upgrade with $what: 403" || fail "upgrade with $what" "$line"
done
line=$(upgrade "http://evil.example:$port" "/ws?token=$token" -H "Host: evil.example:$port")
[[ "$line" == *" 403 "* ]] && ok "upgrade with a foreign Host (and its Origin): 403" || fail "upgrade foreign host" "$line"

# ------------------------------------------------------------ pages over the WebSocket
# tests/cli/serve_ws.py is a page written by hand (RFC 6455, no library).
ws() { python3 "$here/serve_ws.py" "$port" "$token" "$1" > "$work/ws.$1" 2>&1; }
said() { sed -n "s/^$2 //p" "$work/ws.$1"; }
ws stream
[ "$(said stream first)" = "state,audio" ] && [ "$(said stream audio)" = "48000,2,2048" ] &&
  [ "$(said stream state)" = "listener=true,jack=false" ] &&
  ok "hello with audio: the state (listener true, jack false), then audio {rate 48000, channels 2, target_frames 2048}" ||
  fail "hello" "$(cat "$work/ws.stream")"
ahead=$(said stream ahead)
[ "$(said stream magic)" = 1 ] && [ "$(said stream packets)" -gt 0 ] && [ "$(said stream generations)" = 1 ] &&
  [ -n "$ahead" ] && [ "$ahead" -ge 2048 ] && [ "$ahead" -lt $((2048 + 256)) ] &&
  ok "PCM to the listener: $(said stream packets) packets ('MDPC', 24-byte header, frames × 8 bytes), $(said stream frames) frames, $ahead ahead of its credits (the fill: 2048 and less than a 256-frame period more)" ||
  fail "PCM" "$(cat "$work/ws.stream")"
[ "$(said stream strips)" = 2 ] && [ "$(said stream bad_meters)" = 0 ] && awk -v h="$(said stream meters_hz)" 'BEGIN { exit !(h > 0) }' &&
  ok "meters to the page: [peak, rms] per strip (tone, master), $(said stream meters_hz) a second (30 aimed at)" ||
  fail "meters" "$(cat "$work/ws.stream")"
ws takeover
[ "$(said takeover a)" = "state,audio" ] && [ "$(said takeover b)" = "state" ] &&
  [ "$(said takeover b_state)" = "listener=false" ] &&
  [ "$(said takeover a_after)" = '{"type":"listener","listener":false}' ] && [ "$(said takeover b_after)" = audio ] &&
  ok "a second page's listen takes the mix: the first is told listener false, the second gets audio" ||
  fail "takeover" "$(cat "$work/ws.takeover")"
ws refusals
[ "$(said refusals bad_json)" = error ] && [ "$(said refusals too_long)" = "a message over 64 KiB: dropped" ] &&
  [ "$(said refusals after)" = state ] &&
  ok "not JSON: an error; over 64 KiB: dropped with an error; a binary frame ignored; the page goes on" ||
  fail "refusals" "$(cat "$work/ws.refusals")"
ws slow
[ "$(said slow other_meters)" -gt 0 ] && [ "$(said slow stuck_state)" = state ] &&
  ok "a page that reads nothing for 2 s holds up no other ($(said slow other_meters) meters messages meanwhile)" ||
  fail "slow page" "$(cat "$work/ws.slow")"

# ------------------------------------------------------------ an envelope given back
# A fader move takes the envelope over; undone, the envelope plays again
# (before: the mix kept the moved value until the next play).
mkdir envsong && cp song/tone.wav envsong/
printf 'mixdown: 1\nsample_rate: 48000\ntracks:\n  - {name: tone, file: tone.wav, gain_db: {points: [[0, -30], [2, -30]]}}\n' \
  > envsong/song.yaml
main_pid=$pid main_port=$port main_token=$token
serve env envsong/song.yaml --port 0
ws giveback
read -r under moved undone <<< "$(said giveback peaks | tr ',' ' ')"
awk -v a="$under" -v b="$moved" -v c="$undone" 'BEGIN { exit !(b - a > 29 && b - a < 31 && c - a > -0.5 && c - a < 0.5) }' &&
  [ "$(said giveback undo_value)" = "-30,true" ] &&
  ok "undo gives a gain envelope back to the mix: tone peak $under dBFS under it, $moved after a move to 0 dB, $undone after the undo; the pages are told -30, automated" ||
  fail "an envelope given back" "$(cat "$work/ws.giveback")" "$(cat "$work/env.err")"
stop "$pid" INT
pid=$main_pid port=$main_port token=$main_token

# ------------------------------------------------------------ --osc
# OSC drives the very player the pages see: /transport/play from oscsend,
# and the page's meters read the level `analyze` measures of the render.
osc_port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
main_pid=$pid main_port=$port main_token=$token
mkdir oscsong && cp song/song.yaml song/tone.wav oscsong/ # this one saves
serve osc oscsong/song.yaml --port 0 --osc "$osc_port"
[ -n "$port" ] && [[ "$(cat "$work/osc.err")" == *"OSC on 127.0.0.1:$osc_port"* ]] &&
  ok "--osc $osc_port: OSC bound beside the page" || fail "--osc" "$url" "$(cat "$work/osc.err")"
ws levels
[ "$(said levels peaks)" = "-200.00,-200.00" ] && ok "stopped at the start: every meter reads -200 (silence)" ||
  fail "meters while stopped" "$(cat "$work/ws.levels")"
if command -v oscsend > /dev/null; then
  oscsend 127.0.0.1 "$osc_port" /transport/play
  ws levels
  run "$mixdown" render song/song.yaml -o "$work/render.wav" -q
  want=$("$mixdown" analyze "$work/render.wav" --json | sed -n 's/.*"peak_dbfs_max": *\(-\?[0-9.]*\).*/\1/p' | head -n 1)
  got=$(said levels peaks)
  near "${got%%,*}" "$want" 0.1 && near "${got##*,}" "$want" 0.1 &&
    ok "/transport/play over OSC: the page's meters read tone and master peaks $got dBFS; analyze of the render: $want" ||
    fail "OSC play, meters" "page $got" "analyze $want" "$(cat "$work/osc.err")"
else
  skip "--osc moves: no oscsend here"
fi
python3 "$here/serve_ws.py" "$port" "$token" oscmoves "$osc_port" > "$work/ws.oscmoves" 2>&1
[ "$(said oscmoves osc_value)" = "-10,null" ] && [ "$(said oscmoves osc_step)" = "can_undo=true" ] &&
  ok "a move over OSC shows in the page (client null) and is an undo step once the burst pauses" ||
  fail "OSC move to the page" "$(cat "$work/ws.oscmoves")" "$(cat "$work/osc.err")"
[ "$(said oscmoves saved)" = saved ] && kill -0 "$pid" 2>/dev/null &&
  [ "$(diff song/song.yaml oscsong/song.yaml | grep -c '^[<>]')" = 2 ] &&
  grep -qx '  - {name: tone, file: tone.wav, gain_db: -3, pan: 0.25}' oscsong/song.yaml &&
  ok "$(said oscmoves moves) page and OSC moves at once (two senders to one player), then save: one line changed, the last of each" ||
  fail "page and OSC at once" "$(cat "$work/ws.oscmoves")" "$(diff song/song.yaml oscsong/song.yaml)"
loop_ms=$(said oscmoves osc_loop)
[[ "$loop_ms" =~ ^[0-9]+,[0-9]+$ ]] && [ "${loop_ms%,*}" -le 100 ] && [ "${loop_ms#*,}" -le 100 ] &&
  ok "/transport/loop 0.5 1.5 over OSC, then none: the page's transport shows each (after ${loop_ms%,*} and ${loop_ms#*,} ms)" ||
  fail "OSC loop to the page (ms until shown: on,off)" "$loop_ms" "$(cat "$work/ws.oscmoves")"
run "$mixdown" serve song/song.yaml --port 0 --osc "$osc_port"
[ "$rc" -eq 1 ] && [ -z "$out" ] && ok "--osc on a UDP port taken: exit 1, no URL" || fail "--osc taken" "rc=$rc" "$out" "$err"
stop "$pid" INT
pid=$main_pid port=$main_port token=$main_token

# ------------------------------------------------------------ two at once
main_pid=$pid main_port=$port main_token=$token
serve second song/song.yaml --port 0
[ -n "$port" ] && [ "$port" != "$main_port" ] && [ "$token" != "$main_token" ] &&
  ok "two servers at once: different ports ($main_port, $port) and tokens" || fail "two servers" "$url"
code=$(status "/?token=$main_token")
[ "$code" = 403 ] && ok "one server's token opens nothing on the other" || fail "cross token" "code=$code"
stop "$pid" INT
port=$main_port token=$main_token
run "$mixdown" serve song/song.yaml --port "$main_port"
[ "$rc" -eq 1 ] && [ -z "$out" ] && [[ "$err" == "mixdown serve: cannot listen on 127.0.0.1:$main_port"* ]] &&
  ok "a port taken: exit 1, no URL, says so" || fail "port taken" "rc=$rc" "$out" "$err"

# ------------------------------------------------------------ stopping
stop "$main_pid" INT
[ "$stop_rc" -eq 0 ] && [[ "$(cat "$work/main.err")" == *"mixdown serve: stopped"* ]] &&
  ok "SIGINT stops it: exit 0" || fail "SIGINT" "rc=$stop_rc" "$(cat "$work/main.err")"
code=$(status "/?token=$token")
[ "$code" = 000 ] && ok "nothing listens on $port after it stopped" || fail "still listening" "code=$code"
serve term song/song.yaml --port 0
stop "$pid" TERM
[ "$stop_rc" -eq 0 ] && ok "SIGTERM stops it: exit 0" || fail "SIGTERM" "rc=$stop_rc" "$(cat "$work/term.err")"
after=$(listing)
[ "$before" = "$after" ] && ok "serving wrote no file: the session's folder is as it was" ||
  fail "files written" "$(diff <(echo "$before") <(echo "$after"))"

# ------------------------------------------------------------ --host
serve wide song/song.yaml --port 0 --host 0.0.0.0
[[ "$(cat "$work/wide.err")" == *"mixdown serve: warning: listening on 0.0.0.0, not only this machine"* ]] &&
  [ -n "$port" ] && ok "--host 0.0.0.0: a warning on stderr; the URL names 127.0.0.1" ||
  fail "--host warning" "$url" "$(cat "$work/wide.err")"
stop "$pid" INT

# ------------------------------------------------------------ --jack
# A private JACK server (jackd -d dummy), so that nothing else is disturbed.
export JACK_DEFAULT_SERVER="mixdown-serve-$$"
run "$mixdown" serve song/song.yaml --port 0 --jack
[ "$rc" -eq 1 ] && [ -z "$out" ] && [[ "$err" == *"mixdown serve: cannot reach a JACK server"* ]] &&
  ok "--jack without a JACK server: exit 1, no URL, says so" || fail "--jack, no server" "rc=$rc" "$out" "$err"
if command -v jackd > /dev/null && command -v jack_lsp > /dev/null; then
  jackd --no-realtime -d dummy -r 48000 -p 256 > "$work/jackd.log" 2>&1 &
  jackd_pid=$!
  pids+=("$jackd_pid")
  for _ in $(seq 100); do jack_lsp > /dev/null 2>&1 && break; sleep 0.1; done
  serve jack song/song.yaml --port 0 --jack
  ports=$(jack_lsp 2>/dev/null)
  [ -n "$port" ] && [[ "$ports" == *"mixdown:left"* ]] && [[ "$ports" == *"mixdown:right"* ]] &&
    [[ "$(cat "$work/jack.err")" == *"playing through JACK"* ]] &&
    ok "--jack: the URL, and the JACK client mixdown with its left and right ports" ||
    fail "--jack" "$url" "$ports" "$(cat "$work/jack.err")"
  ws hello
  [ "$(said hello state)" = "listener=false,jack=true" ] && [ "$(said hello types)" = state ] &&
    ok "--jack: a page asking to hear gets the state with jack true, listener false, and no audio" ||
    fail "--jack hello" "$(cat "$work/ws.hello")"
  stop "$pid" INT
  [ "$stop_rc" -eq 0 ] && ! jack_lsp 2>/dev/null | grep -q '^mixdown:' && ok "--jack: SIGINT stops it, the client leaves" ||
    fail "--jack stop" "rc=$stop_rc"
  kill "$jackd_pid" 2>/dev/null
  wait "$jackd_pid" 2>/dev/null
else
  skip "--jack with a JACK server: no jackd here"
fi

# ------------------------------------------------------------ refusals
cat > bad.yaml <<'YAML'
mixdown: 1
sample_rate: 48000
tracks:
  - {name: a, file: nothere.wav}
YAML
run "$mixdown" serve bad.yaml --port 0
[ "$rc" -eq 2 ] && [ -z "$out" ] && [[ "$err" == "bad.yaml:4:"*": error: "*nothere.wav* ]] &&
  ok "a bad session: FILE:LINE:COLUMN error, exit 2, no URL" || fail "bad session" "rc=$rc" "$out" "$err"
run "$mixdown" serve missing.yaml
[ "$rc" -eq 2 ] && [ -z "$out" ] && ok "a missing session: exit 2, no URL" || fail "missing" "rc=$rc" "$err"
for args in "--port 70000" "--port x" "--port" "--osc 0" "--frob" "song/song.yaml other.yaml"; do
  # shellcheck disable=SC2086
  run "$mixdown" serve song/song.yaml $args
  [ "$rc" -eq 2 ] && [ -z "$out" ] && [[ "$err" == "mixdown serve: "* ]] && ok "serve … $args: exit 2, says why" ||
    fail "serve $args" "rc=$rc" "$err"
done
run "$mixdown" serve --help
[ "$rc" -eq 0 ] && [[ "$out" == "usage: mixdown serve SESSION"* ]] && ok "--help" || fail "--help" "rc=$rc"

echo "serve: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
