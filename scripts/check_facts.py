#!/usr/bin/env python3
"""Checks a factsh `.facts` file (docs/FORMAT.md) and its provenance.

Usage: scripts/check_facts.py [FILE] [--sources DIR]

Checks:
  * every line tokenizes (bare words, quoted strings with escapes, `=`, comments, `@` provenance);
  * every kind is declared before use, columns exist, values match the column types;
  * every reference resolves to an entity of the right kind (`entity` = any named thing,
    `place` = any place-role kind, a kind name = an entity of that kind);
  * no duplicate names/aliases (ASCII letters compared case-insensitively);
  * every fact has provenance; its source is a declared `source`, the line number exists in the
    source's text file, and that line contains at least one of the fact's key strings
    (its own name/alias, a referenced entity's name/alias, or for a stat its value).
Warnings (not errors) list entities whose own name/alias is on none of the cited lines.
Exit status 1 if any error was found.
"""

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_FILE = os.path.join(REPO, "Sources", "BuiltinGraph", "builtin.facts")
SOURCE_DIRS = [
    "/work/shared/sources",
    os.path.join(REPO, "..", "shared", "sources"),
    os.path.join(REPO, "shared", "sources"),
]

BASIC_TYPES = {"text", "int", "number", "date"}
DATE_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
INT_RE = re.compile(r"^[+-]?\d+$")
NUM_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")

# Token kinds
BARE, QUOTED, EQ, PROV = "bare", "quoted", "eq", "prov"


class FactError(Exception):
    def __init__(self, col, msg):
        super().__init__(msg)
        self.col = col
        self.msg = msg


def tokenize(line):
    """Returns [(kind, text, column)] for one line; comments dropped."""
    toks = []
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c in " \t":
            i += 1
            continue
        col = i + 1
        if c == "#":
            break
        if c == "=":
            toks.append((EQ, "=", col))
            i += 1
            continue
        if c == '"':
            i += 1
            buf = []
            while True:
                if i >= n:
                    raise FactError(col, "unterminated quoted string")
                ch = line[i]
                if ch == "\\":
                    if i + 1 >= n:
                        raise FactError(i + 1, "unterminated escape")
                    e = line[i + 1]
                    m = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}
                    if e not in m:
                        raise FactError(i + 1, f"unknown escape '\\{e}'")
                    buf.append(m[e])
                    i += 2
                    continue
                if ch == '"':
                    i += 1
                    break
                buf.append(ch)
                i += 1
            toks.append((QUOTED, "".join(buf), col))
            continue
        j = i
        while j < n and line[j] not in ' \t"=':
            j += 1
        word = line[i:j]
        toks.append((PROV if word.startswith("@") else BARE, word, col))
        i = j
    return toks


def key_of(name):
    """Normalized key: ASCII letters lower-cased, everything else as is."""
    return "".join(ch.lower() if "A" <= ch <= "Z" else ch for ch in name)


class Kind:
    def __init__(self, singular, plural, role, columns):
        self.singular = singular
        self.plural = plural
        self.role = role
        self.columns = columns  # name -> (type, is_location)


class Fact:
    def __init__(self, lineno, kind, name, aliases, values, provs):
        self.lineno = lineno
        self.kind = kind
        self.name = name
        self.aliases = aliases
        self.values = values  # column -> (text, col)
        self.provs = provs  # [(source, para, col)]


def main(argv):
    path = DEFAULT_FILE
    src_dirs = list(SOURCE_DIRS)
    args = list(argv[1:])
    while args:
        a = args.pop(0)
        if a == "--sources":
            src_dirs.insert(0, args.pop(0))
        else:
            path = a
    errors = []
    warnings = []

    def err(lineno, col, msg):
        errors.append((lineno, col, msg))

    kinds = {
        "source": Kind("source", "sources", "entity", {
            "date": ("date", False), "publisher": ("text", False),
            "author": ("text", False), "file": ("text", False)}),
    }
    plurals = {"sources": "source"}
    facts = []

    with open(path, "rb") as f:
        raw = f.read()
    for lineno, bline in enumerate(raw.split(b"\n"), 1):
        try:
            line = bline.decode("utf-8")
        except UnicodeDecodeError as e:
            err(lineno, e.start + 1, "invalid UTF-8")
            continue
        line = line.rstrip("\r")
        try:
            toks = tokenize(line)
        except FactError as e:
            err(lineno, e.col, e.msg)
            continue
        if not toks:
            continue
        head = toks[0]
        if head[0] == BARE and head[1] == "kind":
            # kind SINGULAR[/PLURAL] ROLE [COLUMN:TYPE[^] ...]
            if len(toks) < 3 or any(t[0] != BARE for t in toks[1:]):
                err(lineno, head[2], "malformed kind declaration")
                continue
            sp = toks[1][1].split("/")
            singular, plural = sp[0], (sp[1] if len(sp) > 1 else sp[0] + "s")
            role = toks[2][1]
            if role not in ("entity", "place", "relation"):
                err(lineno, toks[2][2], f"unknown role '{role}'")
                continue
            if singular in kinds:
                err(lineno, toks[1][2], f"kind '{singular}' redeclared")
                continue
            cols = {}
            locs = 0
            ok = True
            for t in toks[3:]:
                m = re.match(r"^([^:]+):([^:^]+)(\^?)$", t[1])
                if not m:
                    err(lineno, t[2], f"malformed column '{t[1]}'")
                    ok = False
                    continue
                cname, ctype, loc = m.group(1), m.group(2), bool(m.group(3))
                if cname in cols or cname in ("name", "aliases", "source", "aka"):
                    err(lineno, t[2], f"column '{cname}' given twice or reserved")
                    ok = False
                if ctype not in BASIC_TYPES | {"entity", "place"} and ctype not in kinds \
                        and ctype != singular:
                    err(lineno, t[2], f"unknown column type '{ctype}'")
                    ok = False
                if loc:
                    locs += 1
                    if ctype in BASIC_TYPES:
                        err(lineno, t[2], "location link on a non-reference column")
                        ok = False
                cols[cname] = (ctype, loc)
            if locs > 1:
                err(lineno, head[2], "more than one location column")
                ok = False
            if ok:
                kinds[singular] = Kind(singular, plural, role, cols)
                plurals[plural] = singular
            continue

        # fact
        if head[0] != BARE:
            err(lineno, head[2], "a fact starts with a kind name")
            continue
        kname = head[1]
        if kname not in kinds:
            err(lineno, head[2], f"unknown kind '{kname}'")
            continue
        kind = kinds[kname]
        i = 1
        name = None
        if kind.role != "relation":
            if i >= len(toks) or toks[i][0] not in (BARE, QUOTED) or \
                    (i + 1 < len(toks) and toks[i + 1][0] == EQ):
                err(lineno, head[2], f"'{kname}' fact needs a name")
                continue
            name = (toks[i][1], toks[i][2])
            i += 1
        aliases, values, provs = [], {}, []
        bad = False
        while i < len(toks):
            t = toks[i]
            if t[0] == PROV:
                m = re.match(r"^@([^:]+):(\d+)$", t[1])
                if not m:
                    err(lineno, t[2], f"malformed provenance '{t[1]}'")
                    bad = True
                else:
                    provs.append((m.group(1), int(m.group(2)), t[2]))
                i += 1
                continue
            if provs:
                err(lineno, t[2], "provenance must come last")
                bad = True
                break
            if t[0] != BARE or i + 2 >= len(toks) or toks[i + 1][0] != EQ \
                    or toks[i + 2][0] not in (BARE, QUOTED):
                err(lineno, t[2], f"expected COLUMN=VALUE, found '{t[1]}'")
                bad = True
                break
            col, val, vcol = t[1], toks[i + 2][1], toks[i + 2][2]
            i += 3
            if col == "aka":
                if kind.role == "relation":
                    err(lineno, t[2], "a relation has no aliases")
                    bad = True
                aliases.append((val, vcol))
                continue
            if col not in kind.columns:
                err(lineno, t[2], f"'{kname}' has no column '{col}'")
                bad = True
                continue
            if col in values:
                err(lineno, t[2], f"column '{col}' given twice")
                bad = True
                continue
            ctype = kind.columns[col][0]
            if ctype == "int" and not INT_RE.match(val):
                err(lineno, vcol, f"'{col}' expects an integer, found '{val}'")
                bad = True
            elif ctype == "number" and not NUM_RE.match(val):
                err(lineno, vcol, f"'{col}' expects a number, found '{val}'")
                bad = True
            elif ctype == "date" and not DATE_RE.match(val):
                err(lineno, vcol, f"'{col}' expects a date, found '{val}'")
                bad = True
            values[col] = (val, vcol)
        if bad:
            continue
        if kname != "source" and not provs:
            err(lineno, 1, "fact has no provenance")
        facts.append(Fact(lineno, kname, name, aliases, values, provs))

    # names and aliases
    by_key = {}  # key -> fact
    for f in facts:
        if f.name is None:
            continue
        for n, col in [f.name] + f.aliases:
            if n == "":
                err(f.lineno, col, "empty name")
                continue
            k = key_of(n)
            holder = by_key.get(k)
            if holder is not None and holder is not f:
                err(f.lineno, col, f"duplicate name '{n}': already names {holder.name[0]} "
                                   f"(line {holder.lineno})")
                continue
            by_key[k] = f

    def resolve(n):
        return by_key.get(key_of(n))

    # references
    for f in facts:
        kind = kinds[f.kind]
        for col, (val, vcol) in f.values.items():
            ctype = kind.columns[col][0]
            if ctype in BASIC_TYPES:
                continue
            target = resolve(val)
            if target is None:
                err(f.lineno, vcol, f"no entity named '{val}' (for column '{col}')")
                continue
            trole = kinds[target.kind].role
            if ctype == "entity":
                ok = trole in ("entity", "place")
            elif ctype == "place":
                ok = trole == "place"
            else:
                ok = target.kind == ctype
            if not ok:
                err(f.lineno, vcol, f"'{val}' is a {target.kind}, but column '{col}' expects "
                                    f"{ctype}")

    # provenance
    sources = {f.name[0]: f for f in facts if f.kind == "source"}
    texts = {}
    for sname, sf in sources.items():
        fname = sf.values.get("file", (sname + ".txt",))[0]
        for d in src_dirs:
            p = os.path.join(d, fname)
            if os.path.exists(p):
                with open(p, encoding="utf-8") as fh:
                    body = fh.read()
                    if body.endswith("\n"):
                        body = body[:-1]
                    texts[sname] = body.split("\n")
                break
        else:
            err(sf.lineno, 1, f"source file '{fname}' not found in {src_dirs}")

    def norm(s):
        return re.sub(r"[\s\u3000“”‘’\"'《》〈〉「」『』—―]", "", s)

    def name_keys(f):
        ks = []
        for n, _ in ([f.name] if f.name else []) + f.aliases:
            ks.append(n)
            # local short forms: 济宁市工信局 is written 市工信局 inside the Jining release
            for city in ("济宁", "潍坊"):
                if n.startswith(city + "市") and len(n) >= len(city) + 2:
                    ks.append(n[len(city):])
        return [norm(k) for k in ks]

    CN = {1: "一", 2: "两", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九",
          10: "十", 20: "二十"}

    def value_keys(v):
        ks = [v]
        try:
            x = float(v)
            if x == int(x):
                ks.append(str(int(x)))
                if int(x) in CN:
                    ks.append(CN[int(x)])
                if int(x) == 2:
                    ks.append("二")
        except ValueError:
            pass
        return ks

    unprov_ok = 0
    for f in facts:
        if f.kind == "source":
            continue
        kind = kinds[f.kind]
        own = name_keys(f)
        refs = []
        for col, (val, _) in f.values.items():
            ctype = kind.columns[col][0]
            if ctype not in BASIC_TYPES:
                t = resolve(val)
                if t is not None:
                    refs += name_keys(t)
        for sname, para, pcol in f.provs:
            if sname not in sources:
                err(f.lineno, pcol, f"provenance names unknown source '{sname}'")
                continue
            lines = texts.get(sname)
            if lines is None:
                continue
            if para < 1 or para > len(lines):
                err(f.lineno, pcol, f"@{sname}:{para}: no such line (file has {len(lines)})")
                continue
            text = norm(lines[para - 1])
            label = f.name[0] if f.name else " ".join(f"{c}={v}" for c, (v, _) in f.values.items())
            if f.kind == "stat":
                v = f.values.get("value", ("",))[0]
                if not any(k in text for k in value_keys(v)):
                    err(f.lineno, pcol, f"@{sname}:{para}: value '{v}' not on that line  [{label}]")
                continue
            if any(k and k in text for k in own):
                continue
            if any(k and k in text for k in refs):
                if f.name:
                    warnings.append((f.lineno, pcol, f"@{sname}:{para}: own name not on line, "
                                                     f"only a referenced name  [{label}]"))
                continue
            err(f.lineno, pcol, f"@{sname}:{para}: no key string of the fact on that line  [{label}]")
        unprov_ok += 1

    base = os.path.basename(path)
    for ln, col, msg in sorted(warnings):
        print(f"{base}:{ln}:{col}: warning: {msg}")
    for ln, col, msg in sorted(errors):
        print(f"{base}:{ln}:{col}: {msg}")
    counts = {}
    for f in facts:
        counts[f.kind] = counts.get(f.kind, 0) + 1
    print("counts: " + ", ".join(f"{k}={counts.get(k, 0)}" for k in kinds))
    print(f"{len(facts)} facts, {len(errors)} errors, {len(warnings)} warnings")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
