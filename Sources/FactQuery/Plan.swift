import FactGraph

/// How a statement's candidate rows are found.
public indirect enum AccessPath: Sendable, Hashable {
    /// Every row of the relation.
    case scan
    /// Rows whose reference column holds one of these entities, from the column's index.
    case index(column: Int, entities: [EntityID])
    /// Rows whose column (`nil`: the named row itself) holds something that is one of these
    /// entities or lies within one, from the location hierarchy and the column's index.
    case within(column: Int?, places: [EntityID])
    /// Rows whose column (`nil`: the named row itself) holds an entity of a set found once — by
    /// a scan of the name index (`~`) or by a reverse link (`has`).
    case entitySet(column: Int?, entities: EntitySet, label: String)
    /// Rows found by any of several paths (`or`).
    case union([AccessPath])
}

/// One step after the rows are found, in order.
public enum PlanStep: Sendable, Hashable {
    /// Conditions tested on each candidate row.
    case filter(String)
    /// Rows read from one index bucket in the order of a column, stopping after N matches.
    case readInOrder(column: String, descending: Bool, stopAfter: Int)
    case sort(keys: [String])
    /// A bounded sort that keeps only the first N rows.
    case topN(keys: [String], n: Int)
    case offsetLimit(offset: Int, limit: Int?)
    case project(columns: [String])
    case group(keys: [String], aggregates: [String], method: String)
    case having(String)
}

/// The planner's plan for one statement, which `explain` prints and tests compare. Estimates
/// come from index bucket sizes before running; the examined and result counts are filled in by
/// running it.
public struct QueryPlan: Sendable {
    public var relation: String
    public var kind: Int
    public var access: AccessPath
    public var estimatedRows: Int
    var residual: Predicate?
    public var steps: [PlanStep] = []
    /// The plans of `has` conditions' inner rows.
    public var subplans: [QueryPlan] = []
    /// Rows whose conditions were tested (or taken from an index that answers them).
    public var examinedRows = 0
    /// Rows after the conditions.
    public var matchedRows = 0
    /// Rows (or groups) in the result.
    public var resultRows = 0

    /// A one-line summary ("index awards.honor (2 rows)"), for `.timer`-style reports and tests.
    public func summary(_ g: FactGraph) -> String {
        let t = PlanText(g: g)
        return t.operation(access) + " " + t.access(access, kind) + (residual != nil ? ", then filter" : "")
    }
}

/// Words for plans and bound conditions.
struct PlanText {
    let g: FactGraph

    func column(_ k: Int, _ c: Int?) -> String {
        let kind = g.kinds[k]
        guard let c else { return kind.plural }
        return "\(kind.plural).\(kind.columns[c].name)"
    }

    func names(_ es: [EntityID]) -> String {
        let n = es.prefix(5).map { g.name(of: $0) }.joined(separator: ", ")
        return es.count > 5 ? n + " and \(es.count - 5) more" : n
    }

    /// What an access path reads (the operation's name is in `rows`).
    func access(_ a: AccessPath, _ k: Int) -> String {
        switch a {
        case .scan: return "all \(g.kinds[k].plural)"
        case .index(let c, let es): return "\(column(k, c)) = \(names(es))"
        case .within(let c, let ps): return "\(column(k, c)) within \(names(ps))"
        case .entitySet(let c, let set, let label):
            return c == nil ? "\(g.kinds[k].plural) \(label) (\(set.count))" : "\(column(k, c)) \(label) (\(set.count) entities)"
        case .union(let ps): return ps.map { access($0, k) }.joined(separator: " ∪ ")
        }
    }

    func operation(_ a: AccessPath) -> String {
        switch a {
        case .scan: return "scan"
        case .index: return "index lookup"
        case .within: return "location index"
        case .entitySet(_, _, let label): return label.hasPrefix("referred") ? "reverse link" : "name index"
        case .union: return "union of indexes"
        }
    }

    func accessor(_ a: Accessor, _ k: Int, _ titles: [String] = []) -> String {
        switch a {
        case .name: return "name"
        case .aliases: return "aliases"
        case .stored(let c): return g.kinds[k].columns[c].name
        case .place(let p): return g.kinds[p].name
        case .source: return "source"
        case .kindName: return "kind"
        case .hop(let first, let name, _): return accessor(first, k, titles) + "." + name
        case .result(let i): return i < titles.count ? titles[i] : "#\(i + 1)"
        }
    }

    func predicate(_ p: Predicate, _ k: Int, _ titles: [String] = []) -> String {
        func col(_ a: Accessor) -> String { accessor(a, k, titles) }
        func text(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }
        switch p {
        case .all(let ps): return ps.map { wrap($0, k, titles) }.joined(separator: " and ")
        case .any(let ps): return ps.map { wrap($0, k, titles) }.joined(separator: " or ")
        case .not(let x): return "not " + wrap(x, k, titles)
        case .constant(let b): return b ? "true" : "false"
        case .entityIs(let a, let es, let neg):
            if es.count == 1 { return "\(col(a)) \(neg ? "!=" : "=") \(g.name(of: es[0]))" }
            return "\(col(a)) \(neg ? "not in" : "in") (\(names(es)))"
        case .within(let a, let es, let neg): return "\(col(a)) \(neg ? "not within" : "within") \(names(es))"
        case .entityNamed(let a, let set, let t, let neg): return "\(col(a)) \(neg ? "!~" : "~") \(t) (\(set.count) entities)"
        case .source(let es, let neg): return "source \(neg ? "!=" : "=") \(names(es))"
        case .text(let a, let op, let b): return "\(col(a)) \(op.rawValue) \(text(b))"
        case .textIn(let a, let bs, let neg): return "\(col(a)) \(neg ? "not in" : "in") (\(bs.prefix(5).map(text).joined(separator: ", "))\(bs.count > 5 ? " …" : ""))"
        case .int(let a, let op, let v): return "\(col(a)) \(op.rawValue) \(v)"
        case .number(let a, let op, let v): return "\(col(a)) \(op.rawValue) \(FactGraph.formatNumber(v))"
        case .date(let a, let op, let lo, _): return "\(col(a)) \(op.rawValue) \(FactGraph.formatDate(lo))"
        case .isNull(let a, let neg): return "\(col(a)) is \(neg ? "not " : "")null"
        case .has(let s, let neg):
            let rel = g.kinds[s.relation]
            let inner = s.condition.map { "(" + predicate($0, s.relation) + ")" } ?? ""
            return "\(neg ? "not " : "")has \(rel.plural).\(rel.columns[s.column].name)\(inner)"
        case .dynamic(let a, let op, let l): return "\(col(a)) \(op.rawValue) \(text(l.text))"
        }
    }

    func wrap(_ p: Predicate, _ k: Int, _ titles: [String]) -> String {
        switch p {
        case .all, .any: return "(" + predicate(p, k, titles) + ")"
        default: return predicate(p, k, titles)
        }
    }

    /// The plan as rows: step, operation, detail, estimated rows, rows.
    func rows(_ plan: QueryPlan, depth: Int = 0, into out: inout [[Value]]) {
        let indent = String(repeating: "  ", count: depth)
        func add(_ op: String, _ detail: String, _ est: Int?, _ n: Int?) {
            out.append([.int(Int64(out.count + 1)), .string(indent + op), .string(detail),
                        est.map { .int(Int64($0)) } ?? .null, n.map { .int(Int64($0)) } ?? .null])
        }
        add(operation(plan.access), access(plan.access, plan.kind), plan.estimatedRows, plan.examinedRows)
        for sub in plan.subplans { rows(sub, depth: depth + 1, into: &out) }
        for s in plan.steps {
            switch s {
            case .filter(let t): add("filter", t, nil, plan.matchedRows)
            case .readInOrder(let c, let d, let n): add("read in order", "\(c) \(d ? "desc" : "asc"), stop after \(n)", nil, nil)
            case .sort(let keys): add("sort", keys.joined(separator: ", "), nil, nil)
            case .topN(let keys, let n): add("top \(n)", keys.joined(separator: ", "), nil, nil)
            case .offsetLimit(let o, let l): add("limit", (l.map { "\($0)" } ?? "all") + (o > 0 ? " offset \(o)" : ""), nil, nil)
            case .project(let cs): add("project", cs.joined(separator: ", "), nil, plan.resultRows)
            case .group(let keys, let aggs, let m):
                add("group", (keys.isEmpty ? "all rows" : "by " + keys.joined(separator: ", ")) + " → " + aggs.joined(separator: ", ") + " (\(m))", nil, plan.resultRows)
            case .having(let t): add("having", t, nil, plan.resultRows)
            }
        }
    }
}
