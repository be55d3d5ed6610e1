#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Helpers of tests/cli/test_edit.sh (no second resolver of addresses here:
# this only compares texts and reads `mixdown describe --markdown`).
#   check.py same VALUE GOT      is GOT (what `mixdown get --json ADDRESS`
#                                printed) the YAML value VALUE?
#   check.py firstdiff WANT GOT  the first line where file GOT differs from
#                                WANT (exit 1), or nothing (exit 0)
#   check.py number GOT          the number GOT (get --json) holds
#   check.py count GOT           items of the list GOT, points of an envelope
#   check.py changed A B         how many lines of A are not in B (replaced
#                                or removed) plus those of B not in A
#   check.py plan SESSION_DIR    reads `mixdown describe --markdown` on stdin,
#                                prints one line per processor parameter:
#                                TYPE TAB SEED TAB SUFFIX TAB VALUE, SEED the
#                                insert as YAML flow, SUFFIX the address after
#                                /track/t/insert/1/
import difflib
import json
import math
import re
import sys

import yaml


class Loader(yaml.SafeLoader):
    """YAML as mixdown reads it: `1:3` is a musical time, not base 60."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if not tag.endswith((":int", ":float"))]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# Numbers as YAML 1.1 reads them, without its base-60 forms.
Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"))
Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|\.[0-9_]+(?:[eE][-+]?[0-9]+)?"
               r"|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))


def load(text):
    return yaml.load(text, Loader=Loader)


def equal(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or (not isinstance(a, bool) and a in (0, 1) and bool(a) is b) or (
            not isinstance(b, bool) and b in (0, 1) and bool(b) is a)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if math.isnan(a) or math.isnan(b):
            return False
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b))
    return a == b


def printed(text):
    """The value of what `mixdown get --json ADDRESS` printed (one address)."""
    got = json.loads(text)
    if not isinstance(got, list) or len(got) != 1 or "value" not in got[0]:
        raise ValueError(f"not one {{address, value, unit}}: {text.strip()!r}")
    return got[0]["value"]


def same(want, got):
    w = load(want)
    try:
        g = printed(got)
    except ValueError as e:
        print(f"set {w!r}, get --json printed {e}")
        return 1
    if equal(w, g):
        return 0
    print(f"set {w!r}, get --json printed {g!r}")
    return 1


def lines(path):
    with open(path, "rb") as f:
        return f.read().split(b"\n")


def firstdiff(want, got):
    a, b = lines(want), lines(got)
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            print(f"line {i + 1}: expected {x.decode('utf-8', 'replace')!r}, got {y.decode('utf-8', 'replace')!r}")
            return 1
    if len(a) != len(b):
        n = min(len(a), len(b))
        extra = (a if len(a) > len(b) else b)[n].decode("utf-8", "replace")
        print(f"line {n + 1}: {'missing' if len(a) > len(b) else 'extra'} {extra!r} ({len(a)} lines expected, {len(b)} written)")
        return 1
    return 0


def changed(a, b):
    ops = difflib.SequenceMatcher(a=lines(a), b=lines(b), autojunk=False).get_opcodes()
    print(sum(max(i2 - i1, 0) + max(j2 - j1, 0) for tag, i1, i2, j1, j2 in ops if tag != "equal"))
    return 0


def nice(lo, hi, default):
    """A value inside lo … hi, not the default, short to write."""
    for share in (0.25, 0.75, 0.5, 0.1):
        v = lo + share * (hi - lo)
        digits = max(0, 2 - int(math.floor(math.log10(abs(v))))) if v else 0
        v = round(v, digits)
        if v == int(v):
            v = int(v)
        if lo <= v <= hi and v != default:
            return v
    return lo


def choose(valid, default):
    """A value for a parameter from its `valid values` cell."""
    valid = valid.replace("\\|", "|")
    m = re.match(r"^(-?[0-9.e+]+) … (-?[0-9.e+]+)", valid)
    if m:
        d = float(default) if re.match(r"^-?[0-9.]+$", default) else None
        return str(nice(float(m.group(1)), float(m.group(2)), d))
    if valid == "true|false":
        return "false" if default == "true" else "true"
    if "|" in valid:
        for choice in valid.split("|"):
            if choice != default:
                return choice
    if "track or bus" in valid:
        return "key"
    if "audio file" in valid:
        return "ir/room.wav"
    if "note value" in valid:
        return '"1/8"'
    return None


def plan(session_dir):
    text = sys.stdin.read()
    section, rows = "strip", []  # the strip's table comes first, without a heading
    for line in text.splitlines():
        h = re.match(r"^### (\S+)", line)
        if h:
            section = h.group(1)
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if section and len(cells) == 4 and cells[0].startswith("`"):
            rows.append((section, cells[0].strip("`"), cells[1], cells[2]))
    lists = {}
    for t, name, valid, default in rows:
        if "[]." in name:
            lists.setdefault((t, name.split("[].")[0]), []).append((name.split("[].")[1], default))
    for t, name, valid, default in rows:
        if valid.startswith("list of"):
            continue  # its items' fields are rows of their own
        value = choose(valid, default)
        if value is None:
            print(f"# {t} {name}: no value chosen for `{valid}`", file=sys.stderr)
            continue
        seed = f"{{type: {t}}}"
        suffix = name
        if t == "insert":  # the keys every insert has (bypass): tried on a gain insert
            t, seed = "gain", "{type: gain}"
        if "[]." in name:
            lst, field = name.split("[].")
            fields = lists[(t, lst)]
            item = fields[0][1] if len(fields) == 1 else f"{{{fields[0][0]}: {fields[0][1]}}}"
            seed = f"{{type: {t}, {lst}: [{item}]}}"
            suffix = f"{lst}/1/{field}"
        print(f"{t}\t{seed}\t{suffix}\t{value}")
    return 0


def main(argv):
    cmd = argv[1]
    if cmd == "same":
        return same(argv[2], argv[3])
    if cmd == "firstdiff":
        return firstdiff(argv[2], argv[3])
    if cmd == "changed":
        return changed(argv[2], argv[3])
    if cmd == "number":  # the number `mixdown get` printed
        print(float(printed(argv[2])))
        return 0
    if cmd == "count":  # the items of a list, or the points of an envelope, get printed
        v = printed(argv[2]) if argv[2].strip() else None
        print(len(v["points"]) if isinstance(v, dict) and "points" in v else len(v) if isinstance(v, list) else -1)
        return 0
    if cmd == "plan":
        return plan(argv[2])
    print(f"unknown command {cmd}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
