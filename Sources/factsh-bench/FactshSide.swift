import Foundation
import FactGraph
import FactQuery

/// The factsh side. Q1–Q13 run in a child process of the benchmark (so that its peak memory, from
/// `wait4`, is factsh's alone): import the CSV folder with every index, then each question
/// through the query engine, plus answers computed directly on the graph. Q14 runs the factsh
/// executable itself.
enum FactshSide {
    struct ChildOptions {
        var data: String
        var out: String
        var runs: Int
        var loadRuns: Int
        var q5Runs: Int
        /// Seconds for all the runs of one question, and for each check statement.
        var questionTimeout: Double
        var skip: Set<String>
    }

    /// The file where the child says what it is doing: "ID<TAB>wall-clock start".
    static func runningPath(_ out: String) -> String { out + ".running" }

    static func markRunning(_ out: String, _ what: String) {
        try? "\(what)\t\(Date().timeIntervalSince1970)".write(toFile: runningPath(out), atomically: true, encoding: .utf8)
    }

    /// Runs in the child; writes a `SideResult` as JSON to `out` after the loads and after each
    /// question (so that a child killed by the watchdog leaves what it finished).
    static func child(_ o: ChildOptions) throws {
        let params = try JSONDecoder().decode(Generator.Params.self, from: Data(contentsOf: URL(fileURLWithPath: o.data + "/params.json")))
        let questions = Questions(p: params)
        var r = SideResult()
        func save() throws { try JSONEncoder().encode(r).write(to: URL(fileURLWithPath: o.out), options: .atomic) }
        markRunning(o.out, "load")
        var loaded: FactGraph? = nil
        for _ in 0..<max(1, o.loadRuns) {
            loaded = nil    // the previous graph goes before the next load
            let t0 = now()
            do {
                loaded = try CSVImporter.load(directory: o.data)
            } catch {
                r.errors["load"] = error.description
                try save()
                return
            }
            r.loadRuns.append(now() - t0)
        }
        let g = loaded!
        loaded = nil
        r.reference["peakAfterLoadMB"] = String(peakRSSMegabytes())
        try save()

        let engine = QueryEngine(graph: g)
        // Cells read in the timed runs (kept, so that the reading is not optimized away).
        var read = 0
        var deadline = Double.infinity
        engine.isCancelled = { now() > deadline }
        for id in Questions.engineIDs where !o.skip.contains(id) {
            let q = questions.question(id, depth: 0)
            markRunning(o.out, id)
            deadline = now() + o.questionTimeout
            // The first run pays for what the engine builds lazily; it is shown on its own and
            // its rows are the answer. Then the timed runs, while the question's time lasts.
            let timed = id == "Q5" ? o.q5Runs : o.runs
            // A fast question's timed run executes it k times and counts the mean, k as for
            // sqlite3's lines, so both sides' figures are means over the same number of runs.
            let k = SQLiteSide.repetitions(q, scale: params.scale)
            for i in 0...timed {
                if i > 0 && now() > deadline { break }
                let s = now()
                do {
                    let table = try engine.execute(q.factsh)
                    var cells = readAll(table)
                    if i > 0 { for _ in 1..<k { cells &+= readAll(try engine.execute(q.factsh)) } }
                    let t = (now() - s) / Double(i > 0 ? k : 1)
                    read &+= cells
                    if i == 0 {
                        r.firstRun[id] = t
                        var rows = allRows(table)
                        if id == "Q5" { rows.append(["@@edges", String(table.edges.count)]) }
                        r.rows[id] = rows
                    } else {
                        r.times[id, default: []].append(t)
                    }
                } catch {
                    if error.problem == .cancelled {
                        if i == 0 { r.timedOut.append(id) }
                    } else {
                        r.errors[id] = "\(error)"
                    }
                    break
                }
            }
            deadline = .infinity
            try save()
        }
        // The peak that counts: loads and questions, before the checks (Q12's runs without limit
        // hold a group per award).
        r.reference["cellsRead"] = String(read)
        r.reference["peakAfterQueriesMB"] = String(peakRSSMegabytes())
        r.reference["peakAfterQueriesBytes"] = String(peakRSSBytes())
        // The checks: untimed, each statement once (Q12's two digests share one run).
        var last: (String, ResultTable)? = nil
        for id in Questions.engineIDs {
            for c in questions.question(id, depth: 0).checks where !o.skip.contains(c.key) {
                markRunning(o.out, c.key)
                deadline = now() + o.questionTimeout
                do {
                    let table: ResultTable
                    if let l = last, l.0 == c.factsh { table = l.1 } else {
                        last = nil
                        let s = now()
                        table = try engine.execute(c.factsh)
                        r.reference["\(c.key).seconds"] = String(format: "%.3f", now() - s)
                        last = (c.factsh, table)
                    }
                    r.rows[c.key] = digest(table, c)
                } catch {
                    if error.problem == .cancelled { r.timedOut.append(c.key) } else { r.errors[c.key] = "\(error)" }
                }
                deadline = .infinity
                try save()
            }
        }
        last = nil
        markRunning(o.out, "references")
        r.reference["peakAfterChecksMB"] = String(peakRSSMegabytes())
        r.reference.merge(References(graph: g, params: params).all()) { a, _ in a }
        r.reference["complete"] = "yes"
        try save()
    }

    static func allRows(_ table: ResultTable) -> [[String]] {
        var rows: [[String]] = []
        rows.reserveCapacity(table.rowCount)
        for row in 0..<table.rowCount { rows.append((0..<table.columns.count).map { table.text(row, $0) }) }
        return rows
    }

    /// Reads every cell of a result, as sqlite3 writes its rows and DuckDB fetches them, so
    /// that cells made when read (a card's lines, `find`'s matches) are made in the timed run;
    /// returns how many hold a value.
    static func readAll(_ table: ResultTable) -> Int {
        var n = 0
        for r in 0..<table.rowCount {
            for c in table.columns.indices {
                if case .null = table.value(r, c) { continue }
                n &+= 1
            }
        }
        return n
    }

    /// What `c` keeps of factsh's answer (see `Digest`).
    static func digest(_ table: ResultTable, _ c: Check) -> [[String]] {
        switch c.digest {
        case .rows:
            return allRows(table)
        case .countHistogram:
            let last = table.columns.count - 1
            var hist: [Int: Int] = [:]
            for row in 0..<table.rowCount { hist[Int(table.text(row, last)) ?? -1, default: 0] += 1 }
            return hist.keys.sorted().map { [String($0), String(hist[$0]!)] }
        case .topGroups:
            let last = table.columns.count - 1
            var counts = (0..<table.rowCount).map { Int(table.text($0, last)) ?? -1 }
            let sorted = counts.sorted(by: >)
            guard !sorted.isEmpty else { return [] }
            let bound = sorted[min(c.top, sorted.count) - 1]
            var out: [[String]] = []
            for row in 0..<table.rowCount where counts[row] >= bound {
                out.append((0..<table.columns.count).map { table.text(row, $0) })
            }
            counts = []
            return out
        }
    }

    /// Runs the child until every question is done: a child that the watchdog kills (a question
    /// ran past `questionTimeout` without the engine noticing its cancellation) is replaced by
    /// one that skips what was finished, and the question it was on is reported as timed out.
    static func run(data: String, questions: Questions, runs: Int, loadRuns: Int, q5Runs: Int, questionTimeout: Double,
                    loadTimeout: Double, work: String) throws -> SideResult {
        var result = SideResult()
        var skip = Set<String>()
        var peak = 0, questionPeak = 0
        for attempt in 0..<20 {
            let out = work + "/factsh-\(attempt).json"
            let logPath = work + "/factsh-log-\(attempt).txt"
            try? FileManager.default.removeItem(atPath: runningPath(out))
            var argv = [Spawn.selfPath, "--child", data, "--child-out", out, "--runs", String(runs),
                        "--load-runs", String(attempt == 0 ? loadRuns : 1), "--q5-runs", String(q5Runs),
                        "--question-timeout", String(Int(questionTimeout))]
            if !skip.isEmpty { argv += ["--skip", skip.sorted().joined(separator: ",")] }
            var running = "load"
            let child = try Spawn.run(argv, stdout: logPath, watchdog: {
                guard let s = try? String(contentsOfFile: runningPath(out), encoding: .utf8) else { return false }
                let parts = s.split(separator: "\t")
                guard parts.count == 2, let since = Double(parts[1]) else { return false }
                running = String(parts[0])
                // The engine polls its cancellation in long loops; a grace period for the rest.
                let grace = min(30, max(5, questionTimeout / 4))
                let limit = running == "load" ? loadTimeout : running == "references" ? 600 : questionTimeout + grace
                return Date().timeIntervalSince1970 - since > limit
            })
            peak = max(peak, child.peakBytes)
            if let s = try? String(contentsOfFile: runningPath(out), encoding: .utf8), let what = s.split(separator: "\t").first {
                running = String(what)
            }
            let r = try? JSONDecoder().decode(SideResult.self, from: Data(contentsOf: URL(fileURLWithPath: out)))
            if let r {
                if attempt == 0 { result.loadRuns = r.loadRuns }
                for (k, v) in r.times { result.times[k] = v }
                for (k, v) in r.firstRun { result.firstRun[k] = v }
                for (k, v) in r.rows { result.rows[k] = v }
                for (k, v) in r.errors { result.errors[k] = v }
                for (k, v) in r.reference {
                    // Peaks: the largest of the children's.
                    if k.hasPrefix("peak"), let a = Int(v), let b = result.reference[k].flatMap({ Int($0) }), b > a { continue }
                    result.reference[k] = v
                }
                result.timedOut += r.timedOut
            }
            if child.status == 0 && r?.reference["complete"] == "yes" { break }
            // Killed or crashed: the question it was on did not finish.
            let log = ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").suffix(500)
            // A child stopped on a question (not a check) held that question's memory: it counts.
            if !running.contains(".") { questionPeak = max(questionPeak, child.peakBytes) }
            if child.timedOut {
                result.timedOut.append(running)
                result.reference["\(running).killed"] = "the engine did not stop at the time-out; the child was killed"
                // Checks that share the statement would only time out again.
                let checks = Questions.engineIDs.flatMap { questions.question($0, depth: 0).checks }
                if let c = checks.first(where: { $0.key == running }) {
                    for other in checks where other.factsh == c.factsh && other.key != c.key && r?.rows[other.key] == nil {
                        result.timedOut.append(other.key)
                        skip.insert(other.key)
                    }
                }
            } else {
                result.errors[running == "load" ? "process" : running] = "exit \(child.status): \(log)"
            }
            if running == "load" || running == "references" { break }
            let keys = Questions.engineIDs + Questions.engineIDs.flatMap { id in Questions.checkKeys(id) }
            for k in keys where r?.rows[k] != nil || r?.errors[k] != nil || r?.timedOut.contains(k) == true { skip.insert(k) }
            skip.insert(running)
        }
        // The peak of loads and questions: VmHWM before the checks, or wait4's of a child stopped
        // on a question.
        let beforeChecks = result.reference["peakAfterQueriesBytes"].flatMap { Int($0) } ?? 0
        result.peakBytes = max(beforeChecks, questionPeak) > 0 ? max(beforeChecks, questionPeak) : peak
        result.reference["childPeakMB"] = String(peak / 1_048_576)
        return result
    }

    /// Q14: `factsh --import-csv DATA --format csv -c awards` to /dev/null, `runs` times, less the
    /// median of as many runs of `-c 'count provinces'` (the load); peak memory of both; then the
    /// same rows read through a pipe (hashed, first byte timed).
    static func stream(factsh: String, data: String, runs: Int, timeout: Double, work: String) -> StreamResult {
        var s = StreamResult()
        s.method = "whole `factsh --import-csv DATA --format csv -c awards` processes to /dev/null, less the median of `-c 'count provinces'` processes (the load)"
        var loads: [Double] = [], loadPeaks: [Int] = []
        for _ in 0..<runs {
            guard let c = try? Spawn.run([factsh, "--import-csv", data, "-c", "count provinces"], stdout: "/dev/null", timeout: timeout),
                  c.status == 0 else { s.error = "factsh -c 'count provinces' failed"; return s }
            loads.append(c.seconds)
            loadPeaks.append(c.peakBytes)
        }
        let load = SideResult.median(loads)
        s.loadPeakBytes = loadPeaks.max()
        for _ in 0..<runs {
            guard let c = try? Spawn.run([factsh, "--import-csv", data, "--format", "csv", "-c", "awards"], stdout: "/dev/null",
                                         timeout: timeout + load) else { s.error = "cannot run factsh"; return s }
            if c.timedOut { s.timedOut = true; break }
            if c.status != 0 { s.error = "factsh -c awards: exit \(c.status)"; break }
            s.seconds.append(max(0, c.seconds - load))
        }
        if s.timedOut { return s }
        let marker = work + "/factsh-stream-ready.csv"
        if let conv = try? Spawn.converse([factsh, "--import-csv", data, "--format", "csv"],
                                          before: ".once \(marker)\ncount provinces\n", marker: marker, after: "awards\n",
                                          stderrPath: work + "/factsh-stream-err.txt", timeout: timeout + 10 * load + 60) {
            s.peakBytes = conv.child.peakBytes
            s.apply(conv, what: "factsh")
        }
        return s
    }

    /// VmHWM of this process, in MB.
    static func peakRSSMegabytes() -> Int { peakRSSBytes() / 1_048_576 }

    /// VmHWM of this process, in bytes.
    static func peakRSSBytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
        }
        return 0
    }

    static func now() -> Double { Spawn.now() }
}

extension StreamResult {
    /// Takes the pipe run's rows, hash and first-byte time.
    mutating func apply(_ conv: Conversation, what: String) {
        if !conv.markerSeen { error = (error ?? "") + "\(what) never became ready (exit \(conv.child.status))"; return }
        if conv.child.timedOut { timedOut = true; return }
        firstByteSeconds = conv.firstByteSeconds
        rows = conv.hasher.rows
        header = conv.hasher.header
        hash = conv.hasher.hash
        if conv.child.status != 0 { error = "\(what) exit \(conv.child.status)" }
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
        if let q7 = q7Pinyin() { out["Q7.pinyin"] = q7.joined(separator: "\n") }
        let t4 = FactshSide.now()
        out["Q1.ms"] = String(format: "%.3f", (t1 - t0) * 1000)
        out["Q2.ms"] = String(format: "%.3f", (t2 - t1) * 1000)
        out["Q5.ms"] = String(format: "%.3f", (t3 - t2) * 1000)
        out["Q7.ms"] = String(format: "%.3f", (t4 - t3) * 1000)
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

    /// Q7 by the definition of the order: the first 20 award enterprises by FactQuery's collation
    /// key (computed once per distinct enterprise), ties by code point. A check on whatever fast
    /// path the engine takes.
    func q7Pinyin() -> [String]? {
        guard let a = awards else { return nil }
        var counts: [EntityID: Int] = [:]
        for e in graph.kinds[a.kind].idColumn(a.enterprise) where e != Null.id { counts[e, default: 0] += 1 }
        typealias Entry = (key: [UInt8], scalars: [UInt32], name: String, n: Int)
        func less(_ x: Entry, _ y: Entry) -> Bool {
            x.key != y.key ? x.key.lexicographicallyPrecedes(y.key) : x.scalars.lexicographicallyPrecedes(y.scalars)
        }
        var best: [Entry] = []      // sorted, covering at least 20 awards
        var covered = 0
        for (e, n) in counts {
            let name = graph.name(of: e)
            let entry: Entry = (CollationKey.key(name), name.unicodeScalars.map(\.value), name, n)
            if covered >= 20, let last = best.last, !less(entry, last) { continue }
            let i = best.firstIndex { less(entry, $0) } ?? best.count
            best.insert(entry, at: i)
            covered += n
            while let last = best.last, covered - last.n >= 20 { covered -= last.n; best.removeLast() }
        }
        return Array(best.flatMap { Array(repeating: $0.name, count: $0.n) }.prefix(20))
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
