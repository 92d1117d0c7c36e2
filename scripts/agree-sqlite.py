#!/usr/bin/env python3
"""Random statements asked of factsh and of SQLite (Python's sqlite3 module) over the same CSV
folder in gen.py's layout (../shared/bench/gen.py), the answers compared.

    scripts/agree-sqlite.py DATA FACTSH [--statements N] [--seed S] [--holes]

Conditions joined with and/or/not over ints, names, linked entities' columns (city, province,
enterprise.industry, honor.level), `in` lists, `~` and `is null`; counts, groups by one or two
keys with `having` and `limit`, summaries (count, count(distinct), min, max, sum, avg), rows in
order with `limit` and `offset`; and over enterprises, `has awards` (with a condition on them,
or `not`) beside their own columns and their city's province. Missing values follow SQL's three-valued logic on both sides.
`--holes` first blanks some cells of DATA/awards.csv (years, editions, firms, departments), so
that missing values are asked about. Prints each statement whose answers differ; exits 1 if any.
"""
import sqlite3, csv, random, subprocess, sys, os, collections, argparse

ap = argparse.ArgumentParser()
ap.add_argument("data")
ap.add_argument("factsh")
ap.add_argument("--statements", type=int, default=200)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--holes", action="store_true")
args = ap.parse_args()
D, BIN, N = args.data, args.factsh, args.statements
rng = random.Random(args.seed)

if args.holes:
    # Deterministic holes: a year in 30, an edition in 50, a firm and a department in 100.
    path = os.path.join(D, "awards.csv")
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    hole = random.Random(7)
    blank = {"year": 30, "edition": 50, "enterprise": 100, "recommended_by": 100}
    for row in rows[1:]:
        for c, every in blank.items():
            if c in head and hole.randrange(every) == 0:
                row[head.index(c)] = ""
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)

db = sqlite3.connect(':memory:')
schema = {
    'awards': [('enterprise', 'TEXT'), ('honor', 'TEXT'), ('year', 'INTEGER'), ('edition', 'INTEGER'), ('recommended_by', 'TEXT')],
    'enterprises': [('name', 'TEXT'), ('city', 'TEXT'), ('industry', 'TEXT')],
    'cities': [('name', 'TEXT'), ('province', 'TEXT'), ('aliases', 'TEXT')],
    'honors': [('name', 'TEXT'), ('level', 'TEXT'), ('issuer', 'TEXT')],
}
vals = collections.defaultdict(set)
for t, cols in schema.items():
    db.execute(f"CREATE TABLE {t} ({', '.join(c + ' ' + ty for c, ty in cols)})")
    with open(os.path.join(D, t + '.csv'), newline='', encoding='utf-8') as f:
        r = csv.reader(f)
        head = next(r)
        idx = [head.index(c) for c, _ in cols]
        rows = []
        for row in r:
            out = []
            for (c, ty), i in zip(cols, idx):
                v = row[i] if i < len(row) else ''
                if v == '':
                    out.append(None)
                elif ty == 'INTEGER':
                    out.append(int(v))
                else:
                    out.append(v)
                if v != '' and len(vals[(t, c)]) < 5000:
                    vals[(t, c)].add(v)
            rows.append(out)
        db.executemany(f"INSERT INTO {t} VALUES ({','.join('?' * len(cols))})", rows)
db.execute("CREATE INDEX ae ON awards(enterprise)")
db.execute("CREATE INDEX en ON enterprises(name)")
db.execute("CREATE INDEX cn ON cities(name)")
db.execute("CREATE INDEX hn ON honors(name)")
vals = {k: sorted(v) for k, v in vals.items()}

FROM = ("awards a LEFT JOIN enterprises e ON e.name=a.enterprise LEFT JOIN cities c ON c.name=e.city "
        "LEFT JOIN honors h ON h.name=a.honor")
COL = {'enterprise': 'a.enterprise', 'honor': 'a.honor', 'year': 'a.year', 'edition': 'a.edition',
       'recommended_by': 'a.recommended_by', 'city': 'e.city', 'province': 'c.province',
       'enterprise.industry': 'e.industry', 'honor.level': 'h.level', 'honor.issuer': 'h.issuer'}
TEXTVALS = {'honor': ('awards', 'honor'), 'city': ('enterprises', 'city'), 'province': ('cities', 'province'),
            'enterprise.industry': ('enterprises', 'industry'), 'honor.level': ('honors', 'level'),
            'recommended_by': ('awards', 'recommended_by'), 'enterprise': ('awards', 'enterprise')}
OPS = ['=', '!=', '<', '<=', '>', '>=']


def leaf():
    k = rng.random()
    if k < 0.35:
        c = rng.choice(['year', 'edition'])
        op = rng.choice(OPS)
        n = rng.randint(2013, 2027) if c == 'year' else rng.randint(0, 18)
        return f"{c}{op}{n}", f"{COL[c]} {'<>' if op == '!=' else op} {n}"
    if k < 0.8:
        c = rng.choice(list(TEXTVALS))
        v = rng.choice([x for x in vals[TEXTVALS[c]][:3000] if "'" not in x])
        op = rng.choice(['=', '=', '!='])
        fv = f"'{v}'" if not all(ch.isalnum() for ch in v) else v
        return f"{c}{op}{fv}", f"{COL[c]} {'<>' if op == '!=' else op} '{v}'"
    if k < 0.86:
        c = rng.choice(['year', 'edition'])
        ns = sorted(set(rng.randint(2013, 2027) if c == 'year' else rng.randint(0, 18) for _ in range(rng.randint(1, 4))))
        neg = rng.random() < 0.3
        return f"{c} {'not in' if neg else 'in'} ({', '.join(map(str, ns))})", f"{COL[c]} {'NOT IN' if neg else 'IN'} ({', '.join(map(str, ns))})"
    if k < 0.92:
        c = rng.choice(['enterprise', 'honor', 'recommended_by', 'city'])
        v = rng.choice(vals[TEXTVALS[c]][:3000])
        a = rng.randrange(len(v)); piece = v[a:a + rng.randint(1, 3)]
        if "'" in piece or '%' in piece or '_' in piece or not piece.strip():
            piece = '有限'
        neg = rng.random() < 0.3
        fv = f"'{piece}'" if not all(ch.isalnum() for ch in piece) else piece
        return f"{c}{'!~' if neg else '~'}{fv}", f"{COL[c]} {'NOT LIKE' if neg else 'LIKE'} '%{piece}%'"
    c = rng.choice(['year', 'edition', 'city', 'enterprise', 'honor.level'])
    if rng.random() < 0.5:
        return f"{c} is null", f"{COL[c]} IS NULL"
    return f"{c} is not null", f"{COL[c]} IS NOT NULL"


def cond(depth=0):
    k = rng.random()
    if depth >= 2 or k < 0.4:
        return leaf()
    if k < 0.65:
        a, b = cond(depth + 1), cond(depth + 1)
        return f"({a[0]} and {b[0]})", f"({a[1]} AND {b[1]})"
    if k < 0.9:
        a, b = cond(depth + 1), cond(depth + 1)
        return f"({a[0]} or {b[0]})", f"({a[1]} OR {b[1]})"
    a = cond(depth + 1)
    return f"not ({a[0]})", f"NOT ({a[1]})"


KEYS = ['honor', 'year', 'edition', 'city', 'province', 'enterprise.industry', 'honor.level', 'recommended_by', 'enterprise']


ECOL = {'city': 'e.city', 'industry': 'e.industry', 'province': 'c.province'}
EVALS = {'city': ('enterprises', 'city'), 'industry': ('enterprises', 'industry'), 'province': ('cities', 'province')}
EFROM = "enterprises e LEFT JOIN cities c ON c.name=e.city"


def eleaf():
    k = rng.random()
    if k < 0.45:
        col = rng.choice(list(ECOL))
        v = rng.choice([x for x in vals[EVALS[col]][:3000] if "'" not in x])
        op = rng.choice(['=', '=', '!='])
        return f"{col}{op}{v}", f"{ECOL[col]} {'<>' if op == '!=' else op} '{v}'"
    if k < 0.6:
        piece = rng.choice(['机械', '有限', '股份', '科技', '电子', '集团', '北京'])
        neg = rng.random() < 0.3
        return f"name{'!~' if neg else '~'}{piece}", f"e.name {'NOT LIKE' if neg else 'LIKE'} '%{piece}%'"
    # has awards, with a condition on them or not
    neg = rng.random() < 0.4
    inner, sinner = "", ""
    r = rng.random()
    if r < 0.4:
        op, n = rng.choice(OPS), rng.randint(2013, 2027)
        inner, sinner = f"(year{op}{n})", f" AND a2.year {'<>' if op == '!=' else op} {n}"
    elif r < 0.7:
        h = rng.choice([x for x in vals[('awards', 'honor')][:3000] if "'" not in x])
        fh = f"'{h}'" if not all(ch.isalnum() for ch in h) else h
        inner, sinner = f"(honor={fh})", f" AND a2.honor = '{h}'"
    sql = f"EXISTS (SELECT 1 FROM awards a2 WHERE a2.enterprise = e.name{sinner})"
    return f"{'not ' if neg else ''}has awards{inner}", (f"NOT {sql}" if neg else sql)


def econd(depth=0):
    k = rng.random()
    if depth >= 1 or k < 0.5:
        return eleaf()
    a, b = econd(depth + 1), econd(depth + 1)
    if k < 0.8:
        return f"({a[0]} and {b[0]})", f"({a[1]} AND {b[1]})"
    return f"({a[0]} or {b[0]})", f"({a[1]} OR {b[1]})"


def estatement():
    f, s = econd()
    if rng.random() < 0.5:
        return f"count enterprises where {f}", f"SELECT count(*) FROM {EFROM} WHERE {s}", 'set'
    key = rng.choice(list(ECOL))
    if rng.random() < 0.7:
        return (f"count enterprises where {f} by {key}",
                f"SELECT {ECOL[key]}, count(*) FROM {EFROM} WHERE {s} GROUP BY {ECOL[key]}", 'set')
    other = rng.choice([c for c in ECOL if c != key])
    return (f"enterprises where {f} summarize count(distinct {other}) by {key}",
            f"SELECT {ECOL[key]}, count(DISTINCT {ECOL[other]}) FROM {EFROM} WHERE {s} GROUP BY {ECOL[key]}", 'set')


def statement():
    if rng.random() < 0.2:
        return estatement()
    k = rng.random()
    f, s = cond() if rng.random() < 0.85 else (None, None)
    where = f" where {f}" if f else ""
    swhere = f" WHERE {s}" if s else ""
    if k < 0.15:
        return f"count awards{where}", f"SELECT count(*) FROM {FROM}{swhere}", 'set'
    if k < 0.45:
        keys = rng.sample(KEYS, rng.choice([1, 1, 2]))
        sk = ', '.join(COL[x] for x in keys)
        having, shaving = "", ""
        if rng.random() < 0.25:
            n = rng.choice([1, 2, 5, 20, 100])
            having, shaving = f" having count>{n}", f" HAVING count(*) > {n}"
        limit = rng.choice([None, None, 1, 10, 50])
        q = f"count awards{where} by {', '.join(keys)}{having}" + (f" limit {limit}" if limit else "")
        sql = f"SELECT {sk}, count(*) FROM {FROM}{swhere} GROUP BY {sk}{shaving}"
        return q, sql, ('set' if not limit else ('topcount', limit))
    if k < 0.7:
        keys = rng.sample(KEYS, rng.choice([0, 1, 1, 2]))
        aggs = rng.sample([('count', 'count(*)'), ('count(distinct enterprise)', 'count(DISTINCT a.enterprise)'),
                           ('min(year)', 'min(a.year)'), ('max(year)', 'max(a.year)'), ('sum(edition)', 'sum(a.edition)'),
                           ('avg(year)', 'avg(a.year)'), ('count(year)', 'count(a.year)'), ('min(edition)', 'min(a.edition)'),
                           ('count(distinct city)', 'count(DISTINCT e.city)'), ('max(enterprise)', None)], rng.randint(1, 3))
        aggs = [a for a in aggs if a[1]]
        if not aggs:
            aggs = [('count', 'count(*)')]
        sk = ', '.join(COL[x] for x in keys)
        q = f"awards{where} summarize {', '.join(a for a, _ in aggs)}" + (f" by {', '.join(keys)}" if keys else "")
        sql = f"SELECT {sk + ', ' if keys else ''}{', '.join(b for _, b in aggs)} FROM {FROM}{swhere}" + (f" GROUP BY {sk}" if keys else "")
        return q, sql, 'set'
    # ordered rows: int keys, or enterprise in code point order
    okeys = rng.sample([('year', 'a.year'), ('edition', 'a.edition'), ('enterprise collate codepoint', 'a.enterprise')], rng.choice([1, 2]))
    desc = [rng.random() < 0.5 for _ in okeys]
    limit = rng.choice([1, 5, 20, 300])
    offset = rng.choice([0, 0, 0, 7])
    ob = ', '.join(k + (' desc' if d else '') for (k, _), d in zip(okeys, desc))
    sob = ', '.join(f"{c} IS NULL, {c}" + (' DESC' if d else '') for (_, c), d in zip(okeys, desc))
    show = ', '.join(k.split()[0] for k, _ in okeys)
    q = f"awards{where} order by {ob} limit {limit}" + (f" offset {offset}" if offset else "") + f" show {show}"
    sql = f"SELECT {', '.join(c for _, c in okeys)} FROM {FROM}{swhere} ORDER BY {sob} LIMIT {limit} OFFSET {offset}"
    return q, sql, 'ordered'


def norm(v):
    if v is None:
        return ''
    if isinstance(v, float):
        return f"{v:.6g}" if v != int(v) else str(int(v))
    return str(v)


def normcell(x):
    try:
        f = float(x)
        if '.' in x or 'e' in x:
            return f"{f:.6g}" if f != int(f) else str(int(f))
    except ValueError:
        pass
    return x


bad = 0
for i in range(N):
    q, sql, mode = statement()
    p = subprocess.run([BIN, '--import-csv', D, '--format', 'csv', '--no-headers', '-c', q], capture_output=True, text=True)
    if p.returncode != 0:
        print(f"ERROR [{i}] {q}\n  {p.stderr.strip()[:300]}")
        bad += 1
        continue
    got = [tuple(normcell(x) for x in r) for r in csv.reader(p.stdout.splitlines())]
    want = [tuple(norm(x) for x in r) for r in db.execute(sql).fetchall()]
    ok = True
    if mode == 'set':
        ok = sorted(got) == sorted(want)
    elif mode == 'ordered':
        ok = got == want
    else:
        n = mode[1]
        counts = sorted((int(r[-1]) for r in want), reverse=True)[:n]
        ok = sorted((int(r[-1]) for r in got), reverse=True) == counts and set(got) <= set(want)
    if not ok:
        bad += 1
        print(f"DIFF [{i}] {q}\n  sql: {sql}\n  factsh {len(got)} rows: {got[:4]}\n  sqlite {len(want)} rows: {sorted(want)[:4] if mode != 'ordered' else want[:4]}")
print(f"{N} statements, {bad} differ or fail")
sys.exit(1 if bad else 0)
