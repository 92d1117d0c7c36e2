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

    /// - Parameters:
    ///   - q5Depth: the breadth-first search bound for Q5 (the length of the true shortest path).
    ///   - timeout: seconds for the process that loads and answers; the script interrupts its
    ///     running statement then and reports it (and the questions after it) as timed out.
    static func run(data: String, runs: Int, loadRuns: Int, q5Depth: Int, q5Runs: Int, timeout: Double,
                    work: String) throws -> SideResult {
        guard let script = script() else { throw BenchError("bench/duckdb_side.py not found") }
        let outPath = work + "/duckdb-out.txt"
        // The script keeps its own time-out; this one is a last resort (SIGINT, then SIGKILL)
        // that also leaves time for the extra loads, which run after the questions.
        let child = try Spawn.run(["python3", script, data, "--runs", String(runs), "--q5-runs", String(q5Runs),
                                   "--q5-depth", String(q5Depth), "--load-runs", String(loadRuns),
                                   "--timeout", String(Int(timeout))],
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
        return r
    }
}
