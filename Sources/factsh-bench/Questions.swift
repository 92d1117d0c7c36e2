import Foundation
import FactQuery

/// What one side (sqlite3, DuckDB or factsh) measured: load time, peak memory, each question's run
/// times and the rows of its first run, the answers of the untimed check statements, and the
/// streaming and start-up measurements.
struct SideResult: Codable {
    /// Median of the load runs.
    var loadSeconds: Double? { loadRuns.isEmpty ? nil : SideResult.median(loadRuns) }
    var loadRuns: [Double] = []
    var peakBytes: Int?
    /// Timed runs of each question (for factsh: the runs after the first).
    var times: [String: [Double]] = [:]
    /// factsh: the first run of each question (it pays for lazily built caches), not in `times`.
    var firstRun: [String: Double] = [:]
    /// The rows of each question's first run, and of each check (`Q12.hist` …).
    var rows: [String: [[String]]] = [:]
    var timedOut: [String] = []
    var errors: [String: String] = [:]
    /// Free-form measurements and answers computed outside the query language (strings).
    var reference: [String: String] = [:]
    /// Q14: the whole result written to /dev/null, and the same read back through a pipe.
    var stream: StreamResult?

    func median(_ q: String) -> Double? {
        guard let t = times[q], !t.isEmpty else { return nil }
        return Self.median(t)
    }

    static func median(_ t: [Double]) -> Double {
        let s = t.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}

/// Q14 on one side: time and peak memory of writing every award as CSV.
struct StreamResult: Codable {
    /// Seconds of each timed run of the statement writing to /dev/null.
    var seconds: [Double] = []
    /// How the time was taken (shown under the table).
    var method = ""
    /// Peak RSS of a process that loaded the folder and streamed the rows (through a pipe).
    var peakBytes: Int?
    /// Peak RSS of a process that only loaded the folder, for the difference.
    var loadPeakBytes: Int?
    /// From the moment the statement was sent to the first byte of its output (pipe).
    var firstByteSeconds: Double?
    /// Rows (header excluded), the header, and an order-independent hash of the parsed rows.
    var rows: Int?
    var header: String?
    var hash: String?
    var error: String?
    var timedOut = false
}

/// How a check statement's answer is kept: all its rows, or a digest that SQL can compute too
/// (full two-column group results at a million enterprises are five million rows).
enum Digest: String, Codable {
    /// Every row, every column, as text.
    case rows
    /// (count, number of groups with that count), from the last column: `SELECT n, count(*) …`.
    case countHistogram
    /// The groups whose count is at least the `Check.top`-th largest count (ties included).
    case topGroups
}

/// An untimed statement whose answer is compared, asked of every side once.
struct Check {
    /// "Q12.hist": rows are kept under this key.
    let key: String
    let factsh: String
    let digest: Digest
    var top = 0
    /// The SQL that gives the digest directly (sqlite3 and DuckDB alike).
    let sql: String
}

/// One benchmark question: the statement that is timed on each side, and its checks.
struct Question {
    let id: String
    let title: String
    let factsh: String
    let sql: String
    /// DuckDB's SQL when it cannot be sqlite3's (Q5's recursive step, Q14's COPY).
    var duckdbSQL: String? = nil
    var checks: [Check] = []
    /// sqlite3's time for one run at scale 1,000,000, in seconds (for the repetitions).
    var sqliteEstimate: Double
    /// Whether the estimate grows with the scale.
    var scales = true
    /// Rows are not printed or kept (Q14: the statement writes every award).
    var silent = false
}

/// The questions, in factsh's language and in SQL. Q14 (streaming) and Q15 (start-up) are measured
/// on whole processes (see FactshSide.stream, Startup) and are not in `engine`.
struct Questions {
    let p: Generator.Params
    /// The enterprise whose pinyin and initials Q13 looks for (the one Q4 describes).
    var q13Name: String { p.q4_enterprise }
    var q13Pinyin: String { Pinyin.full(q13Name) }
    var q13Initials: String { Pinyin.initials(q13Name) }

    /// The questions the factsh child asks through the query engine, in order.
    static let engineIDs = ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Q8", "Q9", "Q10", "Q11", "Q12", "Q13a", "Q13b"]
    /// Everything in the tables.
    static let allIDs = engineIDs + ["Q14"]
    /// Q13 has no SQL equivalent in the strict sense: its peers search a pinyin column that the
    /// benchmark computed for them (see README).
    static let noPeer: Set<String> = ["Q13a", "Q13b"]

    /// Other statements a user types at a big graph, beyond the questions: whole sorts, groups
    /// of a million, columns of linked entities, text order, distinct counts, `having`, conditions
    /// joined with `or` and on linked entities, the card of an honor and of a city with
    /// hundreds of thousands of links, `find` of a text every firm has and of two initials,
    /// and a firm's neighbors two links away. Only the time to their first row is measured
    /// (factsh alone, in a process of their own, so that their memory is not in the questions'
    /// peak).
    var otherShapes: [(id: String, statement: String)] {
        let shapes = [
            "awards order by year", "awards order by year desc", "awards order by enterprise",
            "awards order by enterprise desc", "awards order by enterprise, year desc", "awards order by honor, enterprise",
            "awards order by edition desc, enterprise", "enterprises order by name", "enterprises order by city, name",
            "count awards by enterprise", "count awards by enterprise, year", "count awards by year, enterprise",
            "count awards by recommended_by, honor", "awards summarize count(distinct enterprise) by city",
            "awards summarize count(distinct honor) by enterprise", "awards summarize min(year), max(year) by enterprise",
            "awards summarize min(enterprise), max(enterprise) by year",
            "awards summarize count, count(distinct year) by enterprise having count > 10",
            "awards where enterprise~\(p.q6_substring) order by enterprise", "awards where year>2015 order by edition",
            "awards where enterprise.industry=化工", "count awards by enterprise.industry, year",
            "awards where honor.level=国家级", "count awards by honor.level, province",
            "awards where enterprise > \(Self.fq(p.q4_enterprise)) order by enterprise",
            "enterprises where not has awards order by name", "count awards by province, city, year",
            "count awards where year=2020 or year=2021", "count awards where enterprise.industry=化工 or edition=1",
            "awards summarize count(distinct enterprise), count(distinct honor) by year",
            "count awards where enterprise.name~\(p.q6_substring)",
            "describe \(Self.fq(p.q3_honor))", "describe \(Self.fq(p.top_city ?? p.q1_city))", "find 有限公司",
            "find \(String(Pinyin.initials(p.top_city ?? p.q1_city).prefix(2)))", "neighbors \(Self.fq(p.q4_enterprise)) depth 2",
        ]
        return shapes.enumerated().map { (id: "S\($0.offset + 1)", statement: $0.element) }
    }

    /// The keys of question `id`'s checks (they do not depend on the data).
    static func checkKeys(_ id: String) -> [String] {
        switch id {
        case "Q7": return ["Q7.codepoint"]
        case "Q11": return ["Q11.full"]
        case "Q12": return ["Q12.hist", "Q12.top"]
        default: return []
        }
    }

    /// A query-language string literal.
    static func fq(_ s: String) -> String { s.contains("\"") ? "'\(s)'" : "\"\(s)\"" }
    /// An SQL string literal.
    static func sql(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }

    /// The question `id`; `depth` bounds Q5's breadth-first search (SQL cannot stop at the target).
    func question(_ id: String, depth: Int) -> Question {
        let L = Self.sql
        switch id {
        case "Q1":
            return Question(id: id, title: "Q1 awards where city=X",
                            factsh: "awards where city=\(Self.fq(p.q1_city)) show enterprise, honor, year",
                            sql: "SELECT a.enterprise,a.honor,a.year FROM awards a JOIN enterprises e ON e.name=a.enterprise WHERE e.city=\(L(p.q1_city));",
                            sqliteEstimate: 0.020)
        case "Q2":
            return Question(id: id, title: "Q2 count awards by city", factsh: "count awards by city",
                            sql: "SELECT e.city, count(*) AS n FROM awards a JOIN enterprises e ON e.name=a.enterprise GROUP BY e.city ORDER BY n DESC, e.city;",
                            sqliteEstimate: 3.0)
        case "Q3":
            return Question(id: id, title: "Q3 honor, year≥2020, top 20",
                            factsh: "awards where honor=\(Self.fq(p.q3_honor)) and year>=\(p.q3_year) order by year desc limit 20",
                            sql: "SELECT enterprise,honor,year FROM awards WHERE honor=\(L(p.q3_honor)) AND year>=\(p.q3_year) ORDER BY year DESC LIMIT 20;",
                            sqliteEstimate: 0.000_05, scales: false)
        case "Q4":
            return Question(id: id, title: "Q4 describe enterprise", factsh: "describe \(Self.fq(p.q4_enterprise))",
                            sql: """
                                SELECT e.name, e.city, c.province, e.industry, a.honor, a.year, a.edition, a.recommended_by \
                                FROM enterprises e JOIN cities c ON c.name=e.city LEFT JOIN awards a ON a.enterprise=e.name \
                                WHERE e.name=\(L(p.q4_enterprise));
                                """,
                            sqliteEstimate: 0.008)
        case "Q5":
            let d = depth, src = L(p.q5_src), dst = L(p.q5_dst)
            // SQLite allows several recursive SELECTs (an extension); DuckDB one reference to the
            // CTE in its step, so there the same four joins are one subquery. Same (node, depth)
            // rows, same UNION de-duplication, same bound.
            let steps = [
                "SELECT a.honor, b.depth+1 FROM bfs b JOIN awards a ON a.enterprise=b.node WHERE b.depth<\(d)",
                "SELECT a.enterprise, b.depth+1 FROM bfs b JOIN awards a ON a.honor=b.node WHERE b.depth<\(d)",
                "SELECT e.city, b.depth+1 FROM bfs b JOIN enterprises e ON e.name=b.node WHERE b.depth<\(d)",
                "SELECT e.name, b.depth+1 FROM bfs b JOIN enterprises e ON e.city=b.node WHERE b.depth<\(d)",
            ]
            return Question(id: id, title: "Q5 path X to Y", factsh: "path \(Self.fq(p.q5_src)) to \(Self.fq(p.q5_dst))",
                            sql: "WITH RECURSIVE bfs(node, depth) AS (VALUES(\(src), 0) UNION "
                                + steps.joined(separator: " UNION ") + ") SELECT min(depth) FROM bfs WHERE node=\(dst);",
                            duckdbSQL: "WITH RECURSIVE bfs(node, depth) AS (VALUES(\(src), 0) UNION SELECT * FROM ("
                                + steps.joined(separator: " UNION ") + ")) SELECT min(depth) FROM bfs WHERE node=\(dst);",
                            sqliteEstimate: 40)
        case "Q6":
            return Question(id: id, title: "Q6 count name~机械", factsh: "count enterprises where name~\(p.q6_substring)",
                            sql: "SELECT count(*) FROM enterprises WHERE name LIKE '%\(p.q6_substring)%';",
                            sqliteEstimate: 0.172)
        case "Q7":
            // factsh orders text by pinyin, SQL by code point: the answers are compared on
            // factsh's `collate codepoint` form (one column, so the 20 values are one list).
            let sql = "SELECT enterprise FROM awards ORDER BY enterprise LIMIT 20;"
            return Question(id: id, title: "Q7 awards order by enterprise limit 20",
                            factsh: "awards show enterprise order by enterprise limit 20", sql: sql,
                            checks: [Check(key: "Q7.codepoint", factsh: "awards show enterprise order by enterprise collate codepoint limit 20",
                                           digest: .rows, sql: sql)],
                            sqliteEstimate: 0.000_2, scales: false)
        case "Q8":
            return Question(id: id, title: "Q8 count awards by city, year", factsh: "count awards by city, year",
                            sql: "SELECT e.city, a.year, count(*) AS n FROM awards a JOIN enterprises e ON e.name=a.enterprise GROUP BY e.city, a.year ORDER BY n DESC;",
                            sqliteEstimate: 13.6)
        case "Q9":
            return Question(id: id, title: "Q9 year=2020 count(distinct enterprise)",
                            factsh: "awards where year=2020 summarize count(distinct enterprise)",
                            sql: "SELECT count(DISTINCT enterprise) FROM awards WHERE year=2020;",
                            sqliteEstimate: 0.6)
        case "Q10":
            return Question(id: id, title: "Q10 count enterprises where not has awards",
                            factsh: "count enterprises where not has awards",
                            sql: "SELECT count(*) FROM enterprises e WHERE NOT EXISTS (SELECT 1 FROM awards a WHERE a.enterprise=e.name);",
                            sqliteEstimate: 1.5)
        case "Q11":
            // Ties at the limit make the 10 groups ambiguous: the full result is compared once,
            // the limit form by its counts.
            return Question(id: id, title: "Q11 count awards by honor limit 10", factsh: "count awards by honor limit 10",
                            sql: "SELECT honor, count(*) AS n FROM awards GROUP BY honor ORDER BY n DESC LIMIT 10;",
                            checks: [Check(key: "Q11.full", factsh: "count awards by honor", digest: .rows,
                                           sql: "SELECT honor, count(*) FROM awards GROUP BY honor;")],
                            sqliteEstimate: 2.0)
        case "Q12":
            // The full result has about one group per award (5 million at scale 1,000,000): it is
            // compared by its histogram of counts and by every group at or above the 20th count.
            let groups = "SELECT enterprise, honor, count(*) AS n FROM awards GROUP BY enterprise, honor"
            return Question(id: id, title: "Q12 count awards by enterprise, honor limit 20",
                            factsh: "count awards by enterprise, honor limit 20",
                            sql: "SELECT enterprise, honor, count(*) AS n FROM awards GROUP BY enterprise, honor ORDER BY n DESC LIMIT 20;",
                            checks: [
                                Check(key: "Q12.hist", factsh: "count awards by enterprise, honor", digest: .countHistogram,
                                      sql: "SELECT n, count(*) FROM (\(groups)) GROUP BY n ORDER BY n;"),
                                Check(key: "Q12.top", factsh: "count awards by enterprise, honor", digest: .topGroups, top: 20,
                                      sql: "WITH g AS (\(groups)) SELECT enterprise, honor, n FROM g WHERE n >= (SELECT n FROM g ORDER BY n DESC LIMIT 1 OFFSET 19);"),
                            ],
                            sqliteEstimate: 17)
        case "Q13a", "Q13b":
            let pinyin = id == "Q13a"
            let q = pinyin ? q13Pinyin : q13Initials
            // factsh's `find` for ASCII text: a name or alias that contains it, or whose full
            // pinyin contains it, or whose initials start with it (FactQuery/Explorer.swift).
            // The peers search name_pinyin, which the benchmark writes with FactQuery's readings.
            return Question(id: id, title: pinyin ? "Q13a find by pinyin" : "Q13b find by initials",
                            factsh: "find \(q)",
                            sql: "SELECT DISTINCT entity FROM name_pinyin WHERE lower(name) LIKE '%\(q)%' OR pinyin LIKE '%\(q)%' OR initials LIKE '\(q)%';",
                            sqliteEstimate: 1.0)
        case "Q14":
            return Question(id: id, title: "Q14 all awards as CSV to /dev/null", factsh: "awards",
                            sql: "SELECT * FROM awards;",
                            duckdbSQL: "COPY (SELECT * FROM awards) TO '/dev/null' (FORMAT csv, HEADER);",
                            sqliteEstimate: 5, silent: true)
        default:
            fatalError("no question \(id)")
        }
    }
}
