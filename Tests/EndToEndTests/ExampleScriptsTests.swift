import Foundation
import Testing

/// Runs every `examples/*.fq` (and `examples/errors/*.fq`) through the real binary and compares
/// standard output (and, for errors, standard error and the exit status) with the recorded
/// `.out` / `.err` files. Re-record with `FACTSH_RECORD=1 swift test --filter ExampleScripts`.
@Suite struct ExampleScriptsTests {
    static let examples = FactshProcess.packageRoot.appendingPathComponent("examples")
    static let record = ProcessInfo.processInfo.environment["FACTSH_RECORD"] == "1"

    static func scripts(in dir: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".fq") }.sorted()
    }

    @Test func thereAreAtLeast25Examples() {
        #expect(Self.scripts(in: Self.examples).count >= 25)
    }

    @Test(arguments: scripts(in: examples))
    func example(_ name: String) throws {
        try check(name, in: Self.examples, arguments: [name], expectStatus: 0)
    }

    @Test(arguments: scripts(in: examples.appendingPathComponent("errors")))
    func errorExample(_ name: String) throws {
        try check(name, in: Self.examples.appendingPathComponent("errors"), arguments: [name], expectStatus: 1)
    }

    @Test func keepGoingRunsTheRestAndStillFails() throws {
        let dir = Self.examples.appendingPathComponent("errors")
        let r = try FactshProcess.run(["--keep-going", "keep-going.fq"], directory: dir)
        #expect(r.status == 1)
        #expect(r.stdout.components(separatedBy: "│ count │").count == 3, "both count statements ran")
    }

    func check(_ name: String, in dir: URL, arguments: [String], expectStatus: Int32) throws {
        let r = try FactshProcess.run(["--no-rc"] + arguments, directory: dir)
        let base = dir.appendingPathComponent(String(name.dropLast(3)))
        let outFile = base.appendingPathExtension("out"), errFile = base.appendingPathExtension("err")
        if Self.record {
            try r.stdout.write(to: outFile, atomically: true, encoding: .utf8)
            if !r.stderr.isEmpty { try r.stderr.write(to: errFile, atomically: true, encoding: .utf8) }
            else { try? FileManager.default.removeItem(at: errFile) }
        }
        #expect(r.status == expectStatus, "\(name): exit \(r.status)\n\(r.stderr)")
        let expected = try String(contentsOf: outFile, encoding: .utf8)
        #expect(r.stdout == expected, "\(name): stdout differs")
        let expectedErr = (try? String(contentsOf: errFile, encoding: .utf8)) ?? ""
        #expect(r.stderr == expectedErr, "\(name): stderr differs")
        #expect(!r.stdout.contains("\u{1B}") && !r.stderr.contains("\u{1B}"), "no escape codes outside a terminal")
    }
}
