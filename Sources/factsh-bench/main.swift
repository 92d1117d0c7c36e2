import Foundation
import FactGraph

// factsh-bench: factsh against the sqlite3 CLI and DuckDB on the same generated CSV folder, in one run.
//
//     swift run -c release factsh-bench --scale 100000 [--seed S] [--runs 5] [--data DIR]
//
// See bench/README.md.

struct Options {
    var scale = 100_000
    var seed = 20_240_601
    var runs = 5
    var data: String? = nil
    var q5Runs: Int? = nil
    var loadRuns = 3
    var timeout = 600.0
    var questionTimeout = 120.0
    var generator = "swift"
    var sqlite = true
    var duckdb = true
    var factsh: String? = nil
    var child: String? = nil
    var childOut: String? = nil
    var skip: Set<String> = []

    static let usage = """
        usage: factsh-bench [--scale N] [--seed S] [--runs R] [--data DIR] [--generator swift|python]
                            [--q5-runs R] [--load-runs L] [--timeout SECONDS] [--question-timeout SECONDS]
                            [--factsh PATH] [--no-sqlite] [--no-duckdb]
          --scale N        enterprises (awards are 5·N); default 100000
          --seed S         generator seed; default 20240601
          --runs R         timed runs per question, the median is shown; default 5
          --data DIR       the CSV folder (generated there unless it holds params.json);
                           default bench-data/gen-N-S
          --generator G    swift (built in, default) or python (../shared/bench/gen.py)
          --q5-runs R      runs of Q5 in sqlite3 and DuckDB; default R up to scale 10000, else 1
          --load-runs L    loads on each side, the median is shown; default 3
          --timeout T      seconds for the whole sqlite3 run (and for DuckDB's) before its statement
                           is interrupted; default 600
          --question-timeout T
                           seconds for all the runs of one question (and for each check statement)
                           in factsh and in DuckDB, and for Q14's runs; default 120
          --factsh PATH    the factsh executable for Q14, Q15 and first rows; default the one
                           next to this executable (.build/release/factsh)
          --no-sqlite      no sqlite3
          --no-duckdb      no DuckDB (it runs only if `python3 -c 'import duckdb'` works)
        """

    static func parse(_ args: [String]) throws -> Options {
        var o = Options()
        var i = 0
        func value() throws -> String {
            i += 1
            guard i < args.count else { throw BenchError("\(args[i - 1]) needs a value\n\(usage)") }
            return args[i]
        }
        func int() throws -> Int {
            let v = try value()
            guard let n = Int(v.replacingOccurrences(of: "_", with: "")), n > 0 else { throw BenchError("\(args[i - 1]): not a positive number: \(v)") }
            return n
        }
        while i < args.count {
            switch args[i] {
            case "--scale": o.scale = try int()
            case "--seed": o.seed = try int()
            case "--runs": o.runs = try int()
            case "--data": o.data = try value()
            case "--q5-runs": o.q5Runs = try int()
            case "--load-runs": o.loadRuns = try int()
            case "--timeout": o.timeout = Double(try int())
            case "--question-timeout": o.questionTimeout = Double(try int())
            case "--generator": o.generator = try value()
            case "--factsh": o.factsh = try value()
            case "--no-sqlite": o.sqlite = false
            case "--no-duckdb": o.duckdb = false
            case "--child": o.child = try value()
            case "--child-out": o.childOut = try value()
            case "--skip": o.skip = Set(try value().split(separator: ",").map(String.init))
            case "-h", "--help": print(usage); exit(0)
            default: throw BenchError("unknown option \(args[i])\n\(usage)")
            }
            i += 1
        }
        return o
    }
}

func log(_ s: String) { FileHandle.standardError.write((s + "\n").data(using: .utf8)!) }

func fmtSeconds(_ s: Double?) -> String { s.map { String(format: $0 < 0.1 ? "%.3f s" : "%.2f s", $0) } ?? "—" }
func fmtMs(_ s: Double?) -> String {
    guard let s else { return "—" }
    let ms = s * 1000
    // Two significant digits at least, so that microseconds show their ratio.
    return ms < 0.1 ? String(format: "%.4f ms", ms) : ms < 1 ? String(format: "%.3f ms", ms)
        : ms < 100 ? String(format: "%.1f ms", ms) : String(format: "%.0f ms", ms)
}
func fmtMB(_ b: Int?) -> String { b.map { String(format: "%.0f MB", Double($0) / 1_048_576) } ?? "—" }

func main() throws {
    let args = Array(CommandLine.arguments.dropFirst())
    if args.first == "--write-pinyin", args.count == 3 {
        print(try NamePinyin.write(data: args[1], to: args[2]))
        return
    }
    if args.first == "--generate", args.count == 4, let scale = Int(args[1]), let seed = Int(args[2]) {
        let p = try Generator.generate(scale: scale, seed: seed, out: args[3])
        print(p.gen_seconds ?? 0)
        return
    }
    let o = try Options.parse(args)
    if let data = o.child {
        try FactshSide.child(.init(data: data, out: o.childOut!, runs: o.runs, loadRuns: o.loadRuns, q5Runs: o.q5Runs ?? o.runs,
                                   questionTimeout: o.questionTimeout, skip: o.skip))
        return
    }
    let data = o.data ?? "bench-data/gen-\(o.scale)-\(o.seed)"
    let fm = FileManager.default
    let params: Generator.Params
    if fm.fileExists(atPath: data + "/params.json") && fm.fileExists(atPath: data + "/awards.csv") {
        params = try JSONDecoder().decode(Generator.Params.self, from: Data(contentsOf: URL(fileURLWithPath: data + "/params.json")))
        log("using \(data) (scale \(params.scale), seed \(params.seed))")
    } else if o.generator == "python" {
        log("generating scale \(o.scale) with gen.py into \(data) …")
        let gen = ["../shared/bench/gen.py", "../../shared/bench/gen.py"].first { fm.fileExists(atPath: $0) }
        guard let gen, Spawn.which("python3") != nil else { throw BenchError("python3 or gen.py not found; use --generator swift") }
        try fm.createDirectory(atPath: data, withIntermediateDirectories: true)
        let r = try Spawn.run(["python3", gen, "--scale", String(o.scale), "--seed", String(o.seed), "--out", data], stdout: data + "/gen.log")
        if r.status != 0 { throw BenchError("gen.py failed; see \(data)/gen.log") }
        params = try JSONDecoder().decode(Generator.Params.self, from: Data(contentsOf: URL(fileURLWithPath: data + "/params.json")))
    } else {
        // In a child process, so that this one's peak memory stays small (see NamePinyin).
        log("generating scale \(o.scale), seed \(o.seed) into \(data) …")
        let r = try Spawn.run([Spawn.selfPath, "--generate", String(o.scale), String(o.seed), data], stdout: "/dev/null")
        if r.status != 0 { throw BenchError("generating failed (exit \(r.status))") }
        params = try JSONDecoder().decode(Generator.Params.self, from: Data(contentsOf: URL(fileURLWithPath: data + "/params.json")))
        log("generated in \(params.gen_seconds ?? 0) s")
    }
    let absData = data.hasPrefix("/") ? data : fm.currentDirectoryPath + "/" + data
    let work = NSTemporaryDirectory() + "factsh-bench-\(getpid())"
    try fm.createDirectory(atPath: work, withIntermediateDirectories: true)
    defer { try? fm.removeItem(atPath: work) }
    let runs = o.runs
    let q5Runs = o.q5Runs ?? (params.scale <= 10_000 ? runs : 1)
    let questions = Questions(p: params)
    let date = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])

    // Q13's peers search a pinyin column that SQL cannot compute: the benchmark writes it.
    let pinyinCSV = work + "/name_pinyin.csv"
    let pinyinRows = try NamePinyin.writeInChild(data: absData, to: pinyinCSV, work: work)
    // A child's ru_maxrss (wait4) starts at its parent's peak on Linux: this is the floor.
    let ownPeak = FactshSide.peakRSSBytes()
    log("factsh-bench's own peak RSS: \(fmtMB(ownPeak))")

    // factsh first: its reference BFS gives the true Q5 length, which bounds SQL's search.
    log("factsh: \(o.loadRuns) imports + 1 + \(runs) runs of each question (time-out \(Int(o.questionTimeout)) s each) …")
    var fs = try FactshSide.run(data: absData, questions: questions, runs: runs, loadRuns: o.loadRuns, q5Runs: runs, questionTimeout: o.questionTimeout,
                                loadTimeout: o.timeout, work: work)
    for (k, v) in fs.errors { log("factsh \(k): \(v.prefix(500))") }
    if !fs.timedOut.isEmpty { log("factsh timed out on \(fs.timedOut.joined(separator: ", "))") }
    if fs.peakBytes == 0 { fs.peakBytes = nil }

    let exe = o.factsh ?? URL(fileURLWithPath: Spawn.selfPath).deletingLastPathComponent().appendingPathComponent("factsh").path
    let factshExe = fm.isExecutableFile(atPath: exe) ? exe : nil
    var stream: StreamResult? = nil
    var firstRows: FirstRows.Result? = nil
    var otherShapes: FirstRows.Result? = nil
    if let f = factshExe {
        log("factsh executable \(f): Q14 (\(runs) loads, \(runs) streams, one through a pipe), first rows of each question …")
        stream = FactshSide.stream(factsh: f, data: absData, runs: runs, timeout: o.questionTimeout, work: work)
        let steps = Questions.allIDs.map { (id: $0, statement: questions.question($0, depth: 0).factsh) }
        firstRows = FirstRows.measure(factsh: f, data: absData, steps: steps, questionTimeout: o.questionTimeout,
                                      loadTimeout: o.timeout, work: work)
        log("factsh executable: first rows of \(questions.otherShapes.count) other shapes …")
        otherShapes = FirstRows.measure(factsh: f, data: absData, steps: questions.otherShapes, questionTimeout: o.questionTimeout,
                                        loadTimeout: o.timeout, work: work)
    } else {
        log("no factsh executable at \(exe): Q14, Q15 and first rows are left out (swift build -c release)")
    }

    var sq = SideResult()
    let q5Depth = Int(fs.reference["Q5.length"] ?? "") ?? 6
    if o.sqlite {
        log("sqlite3: \(o.loadRuns) imports + indexes, \(runs) runs of each question (Q5 depth ≤ \(q5Depth), time-out \(Int(o.timeout)) s), Q14 through a pipe …")
        sq = try SQLiteSide.run(data: absData, questions: questions, pinyinCSV: pinyinCSV, runs: runs, loadRuns: o.loadRuns,
                                q5Depth: q5Depth, q5Runs: q5Runs, timeout: o.timeout, work: work)
        for (k, v) in sq.errors { log("sqlite3 \(k): \(v.prefix(500))") }
    }
    var dk: SideResult? = nil
    var duckdbSkipped: String? = nil
    if o.duckdb {
        if let why = DuckDBSide.unavailable(work: work) {
            duckdbSkipped = why
            log("DuckDB skipped: \(why)")
        } else {
            log("DuckDB: \(o.loadRuns) loads, \(runs) runs of each question (Q5 depth ≤ \(q5Depth), time-out \(Int(o.questionTimeout)) s each), Q14 through a pipe …")
            let d = try DuckDBSide.run(data: absData, questions: questions, pinyinCSV: pinyinCSV, runs: runs, loadRuns: o.loadRuns,
                                       q5Depth: q5Depth, q5Runs: q5Runs, timeout: o.timeout, questionTimeout: o.questionTimeout, work: work)
            for (k, v) in d.errors { log("DuckDB \(k): \(v.prefix(500))") }
            dk = d
        }
    }
    log("start-up …")
    let startup = Startup.measure(factsh: factshExe, runs: max(runs, 5), work: work)
    print(Report(scale: params.scale, seed: params.seed, runs: runs, q5Runs: q5Runs, loadRuns: o.loadRuns, timeout: o.timeout,
                 questionTimeout: o.questionTimeout, date: date, sqlite: sq, factsh: fs, duckdb: dk, duckdbSkipped: duckdbSkipped,
                 factshStream: stream, startup: startup, firstRows: firstRows, otherShapes: otherShapes, questions: questions, pinyinRows: pinyinRows,
                 benchPeakBytes: ownPeak).markdown())
}

do {
    try main()
} catch {
    log("factsh-bench: \(error)")
    exit(1)
}
