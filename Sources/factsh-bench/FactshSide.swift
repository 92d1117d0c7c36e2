import Foundation
import FactGraph
import FactQuery

/// The factsh side, run in a child process of the benchmark so that its peak memory (from
/// `wait4`) is factsh's alone: import the CSV folder with every index, then the six questions
/// through the query engine, plus reference answers computed directly on the graph.
enum FactshSide {
    /// Runs in the child; writes a `SideResult` as JSON to `out`.
    static func child(data: String, runs: Int, loadRuns: Int, q5Runs: Int, out: String) throws {
        let params = try JSONDecoder().decode(Generator.Params.self, from: Data(contentsOf: URL(fileURLWithPath: data + "/params.json")))
        let questions = Questions(p: params)
        var r = SideResult()
        var loaded: FactGraph? = nil
        for _ in 0..<max(1, loadRuns) {
            loaded = nil    // the previous graph goes before the next load
            let t0 = now()
            do {
                loaded = try CSVImporter.load(directory: data)
            } catch {
                r.errors["load"] = error.description
                try JSONEncoder().encode(r).write(to: URL(fileURLWithPath: out))
                return
            }
            r.loadRuns.append(now() - t0)
        }
        let g = loaded!
        loaded = nil
        r.reference["peakAfterLoadMB"] = String(peakRSSMegabytes())
        if let path = ProcessInfo.processInfo.environment["FACTSH_BENCH_SMAPS"] {
            if let h = FileHandle(forReadingAtPath: "/proc/self/smaps") { try? h.readDataToEndOfFile().write(to: URL(fileURLWithPath: path)) }
        }

        let engine = QueryEngine(graph: g)
        for q in Questions.ids {
            let text = questions.factsh(q)
            for i in 0..<(q == "Q5" ? q5Runs : runs) {
                let s = now()
                do {
                    let table = try engine.execute(text)
                    r.times[q, default: []].append(now() - s)
                    if i == 0 {
                        var rows: [[String]] = []
                        for row in 0..<table.rows.count { rows.append((0..<table.columns.count).map { table.text(row, $0) }) }
                        if q == "Q5" { rows.append(["@@edges", String(table.edges.count)]) }
                        r.rows[q] = rows
                    }
                } catch {
                    r.errors[q] = "\(error)"
                    break
                }
            }
        }
        r.reference["peakAfterQueriesMB"] = String(peakRSSMegabytes())
        r.reference.merge(References(graph: g, params: params).all()) { a, _ in a }
        try JSONEncoder().encode(r).write(to: URL(fileURLWithPath: out))
    }

    /// VmHWM of this process, in MB.
    static func peakRSSMegabytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
        }
        return 0
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// Answers computed straight from the graph's columns and indexes, without the query engine:
/// a check on both sides' answers, and what the store alone can do.
struct References {
    let graph: FactGraph
    let params: Generator.Params

    func all() -> [String: String] {
        var out: [String: String] = [:]
        let t0 = FactshSide.now()
        if let q1 = q1Count() { out["Q1.rows"] = String(q1) }
        let t1 = FactshSide.now()
        if let q2 = q2() { out["Q2.cities"] = String(q2.count); out["Q2.top"] = q2.first.map { "\($0.0)=\($0.1)" } ?? "" }
        let t2 = FactshSide.now()
        if let q5 = q5() { out["Q5.length"] = String(q5) }
        let t3 = FactshSide.now()
        out["Q1.ms"] = String(format: "%.3f", (t1 - t0) * 1000)
        out["Q2.ms"] = String(format: "%.3f", (t2 - t1) * 1000)
        out["Q5.ms"] = String(format: "%.3f", (t3 - t2) * 1000)
        return out
    }

    var awards: (kind: Int, enterprise: Int, honor: Int)? {
        guard let k = graph.kind(named: "award"),
              let e = graph.kinds[k].columnIndex(named: "enterprise"),
              let h = graph.kinds[k].columnIndex(named: "honor") else { return nil }
        return (k, e, h)
    }

    /// Awards of enterprises in the Q1 city.
    func q1Count() -> Int? {
        guard let a = awards, let city = graph.entity(named: params.q1_city) else { return nil }
        var n = 0
        for e in graph.children(of: city) { n += graph.rows(kind: a.kind, column: a.enterprise, referring: e)?.count ?? 0 }
        return n
    }

    /// Awards per city (the enterprise's location), most first.
    func q2() -> [(String, Int)]? {
        guard let a = awards else { return nil }
        var counts = [Int](repeating: 0, count: graph.entityCount)
        let col = graph.kinds[a.kind].idColumn(a.enterprise)
        col.withUnsafeBufferPointer { c in
            graph.parent.withUnsafeBufferPointer { parent in
                for e in c where e != Null.id {
                    let city = parent[Int(e)]
                    if city != Null.id { counts[Int(city)] += 1 }
                }
            }
        }
        var out: [(String, Int)] = []
        for (e, n) in counts.enumerated() where n > 0 { out.append((graph.name(of: EntityID(e)), n)) }
        return out.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
    }

    /// Length of the shortest chain between the Q5 enterprises over enterprise–honor (an award)
    /// and enterprise–city links; breadth-first from both ends would be faster, but one side is
    /// enough as a check.
    func q5() -> Int? {
        guard let a = awards, let src = graph.entity(named: params.q5_src), let dst = graph.entity(named: params.q5_dst) else { return nil }
        let honorCol = graph.kinds[a.kind].idColumn(a.honor), entCol = graph.kinds[a.kind].idColumn(a.enterprise)
        let enterpriseKind = graph.entityKind[Int(src)]
        var dist = [Int32](repeating: -1, count: graph.entityCount)
        var frontier: [EntityID] = [src]
        dist[Int(src)] = 0
        var d: Int32 = 0
        while !frontier.isEmpty {
            d += 1
            var next: [EntityID] = []
            func visit(_ x: EntityID) {
                if x != Null.id && dist[Int(x)] < 0 { dist[Int(x)] = d; next.append(x) }
            }
            for x in frontier {
                if graph.entityKind[Int(x)] == enterpriseKind {
                    for r in graph.rows(kind: a.kind, column: a.enterprise, referring: x) ?? [] { visit(honorCol[Int(r)]) }
                    visit(graph.parent[Int(x)])
                } else {
                    for r in graph.rows(kind: a.kind, column: a.honor, referring: x) ?? [] { visit(entCol[Int(r)]) }
                    for c in graph.children(of: x) where graph.entityKind[Int(c)] == enterpriseKind { visit(c) }
                }
            }
            if dist[Int(dst)] >= 0 { return Int(dist[Int(dst)]) }
            frontier = next
        }
        return nil
    }
}
