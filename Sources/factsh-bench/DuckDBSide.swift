import Foundation

/// The DuckDB side: `python3 bench/duckdb_side.py` (the duckdb Python module, an in-memory
/// database, `threads=2`) in a child process. It loads the CSV folder into tables without indexes
/// and asks the six questions; it prints one JSON object in the shape of `SideResult`.
enum DuckDBSide {
    /// The script, looked for in ./bench and in the bench folder of every directory above this
    /// executable (it lives in .build/<triple>/release).
    static func script() -> String? {
        let fm = FileManager.default
        var candidates = [fm.currentDirectoryPath + "/bench/duckdb_side.py"]
        var dir = URL(fileURLWithPath: Spawn.selfPath).deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(dir.appendingPathComponent("bench/duckdb_side.py").path)
            dir = dir.deletingLastPathComponent()
        }
        return candidates.first { fm.fileExists(atPath: $0) }
    }

    /// Why DuckDB cannot be measured here, or nil if it can.
    static func unavailable(work: String) -> String? {
        guard Spawn.which("python3") != nil else { return "python3 is not on PATH" }
        guard script() != nil else { return "bench/duckdb_side.py not found" }
        let check = work + "/duckdb-check.txt"
        guard let r = try? Spawn.run(["python3", "-c", "import duckdb"], stdout: check) else { return "python3 cannot be run" }
        if r.status != 0 {
            let msg = ((try? String(contentsOfFile: check, encoding: .utf8)) ?? "")
                .split(whereSeparator: \.isNewline).last.map(String.init) ?? "exit \(r.status)"
            return "`python3 -c 'import duckdb'` failed (\(msg)); `pip install duckdb` installs it"
        }
        return nil
    }

    /// The questions' SQL as `bench/duckdb_side.py --questions` reads it.
    static func questionsJSON(_ questions: Questions, q5Depth: Int, runs: Int, q5Runs: Int, pinyinCSV: String) throws -> Data {
        var qs: [[String: Any]] = []
        var checks: [[String: Any]] = []
        for id in Questions.allIDs {
            let q = questions.question(id, depth: q5Depth)
            // Q5 is slow and Q14 writes every award: only timed runs, as on sqlite3's side.
            let slow = id == "Q5" || q.silent
            qs.append(["id": id, "sql": q.duckdbSQL ?? q.sql, "runs": id == "Q5" ? q5Runs : runs, "warmup": !slow, "silent": q.silent,
                       "pinyin": Questions.noPeer.contains(id)])
            for c in q.checks { checks.append(["key": c.key, "sql": c.sql]) }
        }
        return try JSONSerialization.data(withJSONObject: ["questions": qs, "checks": checks, "pinyin": pinyinCSV], options: [.sortedKeys])
    }

    /// - Parameters:
    ///   - q5Depth: the breadth-first search bound for Q5 (the length of the true shortest path).
    ///   - timeout: seconds for the process that loads and answers; the script interrupts its
    ///     running statement then and reports it (and the questions after it) as timed out.
    ///   - questionTimeout: seconds for all the runs of one question, and for each check.
    static func run(data: String, questions: Questions, pinyinCSV: String, runs: Int, loadRuns: Int, q5Depth: Int, q5Runs: Int,
                    timeout: Double, questionTimeout: Double, work: String) throws -> SideResult {
        guard let script = script() else { throw BenchError("bench/duckdb_side.py not found") }
        let outPath = work + "/duckdb-out.txt", specPath = work + "/duckdb-questions.json"
        try questionsJSON(questions, q5Depth: q5Depth, runs: runs, q5Runs: q5Runs, pinyinCSV: pinyinCSV)
            .write(to: URL(fileURLWithPath: specPath))
        // The script keeps its own time-out; this one is a last resort (SIGINT, then SIGKILL)
        // that also leaves time for the extra loads, which run after the questions.
        let child = try Spawn.run(["python3", script, data, "--questions", specPath, "--load-runs", String(loadRuns),
                                   "--timeout", String(Int(timeout)), "--question-timeout", String(Int(questionTimeout))],
                                  stdout: outPath, timeout: 2 * timeout + 300)
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        // One JSON object on the last line that starts with "{" (warnings may come before it).
        let json = out.split(whereSeparator: \.isNewline).last { $0.hasPrefix("{") }
        guard let json, var r = try? JSONDecoder().decode(SideResult.self, from: Data(json.utf8)) else {
            var r = SideResult()
            r.errors["process"] = "exit \(child.status)\(child.timedOut ? " (killed at the time-out)" : ""): " + String(out.suffix(1000))
            return r
        }
        if r.peakBytes == nil { r.peakBytes = child.peakBytes }

        // Q14: times from the run above; rows and peak memory from a process that loads and
        // writes them to a pipe.
        var s = StreamResult()
        s.method = "`COPY (SELECT * FROM awards) TO '/dev/null' (FORMAT csv, HEADER)`, time.perf_counter around it, in the process that answers the questions"
        s.seconds = r.times["Q14"] ?? []
        s.timedOut = r.timedOut.contains("Q14")
        s.loadPeakBytes = r.reference["loadOnlyPeakBytes"].flatMap { Int($0) }
        let marker = work + "/duckdb-stream-ready.txt", errPath = work + "/duckdb-stream-err.txt"
        if let conv = try? Spawn.converse(["python3", script, data, "--stream", marker], before: "", marker: marker, after: "go\n",
                                          stderrPath: errPath, timeout: timeout) {
            s.apply(conv, what: "DuckDB")
            // The script's own peak (VmHWM): wait4's would start at this process's.
            let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
            if let line = err.split(whereSeparator: \.isNewline).last(where: { $0.hasPrefix("{") }),
               let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] {
                s.peakBytes = (o["peakBytes"] as? NSNumber)?.intValue
                if s.loadPeakBytes == nil { s.loadPeakBytes = (o["loadPeakBytes"] as? NSNumber)?.intValue }
            } else if s.error == nil {
                s.error = "DuckDB stream: " + String(err.suffix(300))
            }
        }
        r.stream = s
        return r
    }
}
