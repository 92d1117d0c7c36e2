import Foundation
import Testing

/// A statement that needs tens of megabytes for a while gives them back when it is done: the
/// factsh process's resident memory after it is near what it was before (the allocator's free
/// memory is handed back to the system once the shell has been idle a while), so a long session
/// does not keep every big statement's peak. Checked on the release binary, reading /proc
/// between statements.
@Suite struct MemoryReturnTests {
    /// 100,000 enterprises, 300 honors, 1,000,000 awards.
    static func writeGraph(_ dir: URL) throws {
        func write(_ name: String, _ header: String, _ rows: Int, _ row: (Int, inout [UInt8]) -> Void) throws {
            var out = Array((header + "\n").utf8)
            out.reserveCapacity(rows * 48)
            for i in 0..<rows { row(i, &out); out.append(0x0A) }
            try Data(out).write(to: dir.appendingPathComponent(name))
        }
        func number(_ n: Int, _ out: inout [UInt8]) { out.append(contentsOf: String(n).utf8) }
        let firm = Array("企业".utf8), honor = Array("质量奖".utf8)
        try write("enterprises.csv", "name", 100_000) { i, out in out += firm; number(i, &out) }
        try write("honors.csv", "name", 300) { i, out in out += honor; number(i, &out) }
        var x: UInt64 = 12345
        try write("awards.csv", "enterprise,honor,year", 1_000_000) { _, out in
            x = x &* 6364136223846793005 &+ 1442695040888963407
            out += firm; number(Int(x >> 33) % 100_000, &out); out.append(0x2C)
            out += honor; number(Int(x >> 20) % 300, &out); out.append(0x2C)
            number(2000 + Int(x >> 50) % 25, &out)
        }
    }

    static func status(_ pid: Int32, _ field: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "").map { $0 * 1024 }
    }

    @Test func bigStatementGivesItsMemoryBack() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("factsh-memory-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeGraph(dir)

        let p = Process()
        p.executableURL = try FactshProcess.binary()
        p.arguments = ["--import-csv", dir.path, "--format", "csv", "--no-headers"]
        let input = Pipe()
        p.standardInput = input
        p.standardOutput = FileHandle.nullDevice
        let errors = dir.appendingPathComponent("stderr.txt")
        FileManager.default.createFile(atPath: errors.path, contents: nil)
        p.standardError = try FileHandle(forWritingTo: errors)
        try p.run()
        defer { try? input.fileHandleForWriting.close(); p.waitUntilExit() }
        var step = 0
        /// Runs `statement` and waits until it is done (a marker file written after it).
        func run(_ statement: String) throws {
            step += 1
            let marker = dir.appendingPathComponent("done-\(step)").path
            try input.fileHandleForWriting.write(contentsOf: Data("\(statement)\n.once \(marker)\ncount honors\n".utf8))
            let deadline = Date().addingTimeInterval(120)
            while ((try? FileManager.default.attributesOfItem(atPath: marker))?[.size] as? Int ?? 0) == 0 {
                guard p.isRunning, Date() < deadline else {
                    throw Failure("factsh did not finish: \(statement): " + ((try? String(contentsOf: errors, encoding: .utf8)) ?? ""))
                }
                usleep(5_000)
            }
        }
        try run("count awards")
        let before = try #require(Self.status(p.processIdentifier, "VmRSS"))
        // The peak from here on (writing 5 to clear_refs resets it; Linux 4.0 and later).
        try Data("5".utf8).write(to: URL(fileURLWithPath: "/proc/\(p.processIdentifier)/clear_refs"))
        try run("count awards by enterprise, honor limit 5")
        let peak = try #require(Self.status(p.processIdentifier, "VmHWM"))
        // The memory goes back once the shell has been idle for a while (all but a reserve for
        // the next statement after a quarter second, the reserve after 20 s): wait up to 40 s.
        var after = try #require(Self.status(p.processIdentifier, "VmRSS"))
        let waitUntil = Date().addingTimeInterval(40)
        while after - before >= 4 << 20 && Date() < waitUntil {
            usleep(50_000)
            after = try #require(Self.status(p.processIdentifier, "VmRSS"))
        }
        let mb = { (b: Int) in String(format: "%.1f MB", Double(b) / 1_048_576) }
        // The statement did need memory for a while …
        #expect(peak - before > 12 << 20, "peak \(mb(peak)), before \(mb(before))")
        // … and gave it back.
        #expect(after - before < 4 << 20, "after \(mb(after)), before \(mb(before)), peak \(mb(peak))")
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }
}
