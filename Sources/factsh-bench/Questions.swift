import Foundation

/// What one side (sqlite3 or factsh) measured: load time, peak memory, each question's run times
/// and the rows of its first run (for checking that both sides answer the same).
struct SideResult: Codable {
    /// Median of the load runs.
    var loadSeconds: Double? { loadRuns.isEmpty ? nil : SideResult.median(loadRuns) }
    var loadRuns: [Double] = []
    var peakBytes: Int?
    var times: [String: [Double]] = [:]
    var rows: [String: [[String]]] = [:]
    var timedOut: [String] = []
    var errors: [String: String] = [:]
    /// Answers computed directly on the graph (factsh side only), for checks.
    var reference: [String: String] = [:]

    func median(_ q: String) -> Double? {
        guard let t = times[q], !t.isEmpty else { return nil }
        return Self.median(t)
    }

    static func median(_ t: [Double]) -> Double {
        let s = t.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}

/// The six questions, in factsh's language and in SQL.
struct Questions {
    let p: Generator.Params
    static let ids = ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6"]

    /// A query-language string literal.
    static func fq(_ s: String) -> String { s.contains("\"") ? "'\(s)'" : "\"\(s)\"" }
    /// An SQL string literal.
    static func sql(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }

    func factsh(_ q: String) -> String {
        switch q {
        case "Q1": return "awards where city=\(Self.fq(p.q1_city)) show enterprise, honor, year"
        case "Q2": return "count awards by city"
        case "Q3": return "awards where honor=\(Self.fq(p.q3_honor)) and year>=\(p.q3_year) order by year desc limit 20"
        case "Q4": return "describe \(Self.fq(p.q4_enterprise))"
        case "Q5": return "path \(Self.fq(p.q5_src)) to \(Self.fq(p.q5_dst))"
        default: return "count enterprises where name~\(p.q6_substring)"
        }
    }

    /// The SQL; `depth` bounds Q5's breadth-first search (SQLite cannot stop at the target).
    func sql(_ q: String, depth: Int) -> String {
        switch q {
        case "Q1":
            return "SELECT a.enterprise,a.honor,a.year FROM awards a JOIN enterprises e ON e.name=a.enterprise WHERE e.city=\(Self.sql(p.q1_city));"
        case "Q2":
            return "SELECT e.city, count(*) AS n FROM awards a JOIN enterprises e ON e.name=a.enterprise GROUP BY e.city ORDER BY n DESC, e.city;"
        case "Q3":
            return "SELECT enterprise,honor,year FROM awards WHERE honor=\(Self.sql(p.q3_honor)) AND year>=\(p.q3_year) ORDER BY year DESC LIMIT 20;"
        case "Q4":
            return """
                SELECT e.name, e.city, c.province, e.industry, a.honor, a.year, a.edition, a.recommended_by \
                FROM enterprises e JOIN cities c ON c.name=e.city LEFT JOIN awards a ON a.enterprise=e.name \
                WHERE e.name=\(Self.sql(p.q4_enterprise));
                """
        case "Q5":
            let d = depth
            return """
                WITH RECURSIVE bfs(node, depth) AS (VALUES(\(Self.sql(p.q5_src)), 0) \
                UNION SELECT a.honor, b.depth+1 FROM bfs b JOIN awards a ON a.enterprise=b.node WHERE b.depth<\(d) \
                UNION SELECT a.enterprise, b.depth+1 FROM bfs b JOIN awards a ON a.honor=b.node WHERE b.depth<\(d) \
                UNION SELECT e.city, b.depth+1 FROM bfs b JOIN enterprises e ON e.name=b.node WHERE b.depth<\(d) \
                UNION SELECT e.name, b.depth+1 FROM bfs b JOIN enterprises e ON e.city=b.node WHERE b.depth<\(d)) \
                SELECT min(depth) FROM bfs WHERE node=\(Self.sql(p.q5_dst));
                """
        default:
            return "SELECT count(*) FROM enterprises WHERE name LIKE '%\(p.q6_substring)%';"
        }
    }
}
