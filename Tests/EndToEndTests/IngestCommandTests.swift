import Foundation
import XCTest

/// `factsh ingest` as a user runs it: the review table, `-o` files that `--graph` loads, errors.
final class IngestCommandTests: XCTestCase {
    static let sources = FactshProcess.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/sources")
    static let fixtures = FactshProcess.packageRoot.appendingPathComponent("Tests/FactIngestTests/Fixtures/releases")

    func tempDir() throws -> URL {
        let d = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("factsh-ingest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    func testJiningReviewTableHasTheAwardsWithLineNumbers() throws {
        let r = try FactshProcess.run(["ingest", Self.sources.appendingPathComponent("jining-2024-09-11.txt").path, "--format", "csv"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "#,line,kind,subject,fact,edition,date,confidence")
        XCTAssertTrue(lines.contains { $0.contains(",27,award,山东天意机械股份有限公司,省长质量奖,第九届,") }, r.stdout)
        XCTAssertTrue(lines.contains { $0.contains(",27,award,浩珂科技有限公司,省长质量奖提名奖,第九届,") }, r.stdout)
        XCTAssertTrue(lines.contains { $0.contains(",64,") && $0.contains("全国质量标杆") }, r.stdout)
        XCTAssertTrue(lines.contains { $0.contains(",64,") && $0.contains("全省质量标杆") }, r.stdout)
    }

    func testOutputLoadsAloneAndAnswersCityQueries() throws {
        let dir = try tempDir()
        let out = dir.appendingPathComponent("jining.facts").path
        let r = try FactshProcess.run(["ingest", Self.sources.appendingPathComponent("jining-2024-09-11.txt").path, "-o", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        let q = try FactshProcess.run(["--graph", out, "--format", "csv", "-c", "awards where city=济宁 show recipient, honor, edition"])
        XCTAssertEqual(q.status, 0, q.stderr)
        XCTAssertTrue(q.stdout.contains("山东天意机械股份有限公司,省长质量奖,第九届"), q.stdout)
        XCTAssertTrue(q.stdout.contains("兖州区"), q.stdout)
        let s = try FactshProcess.run(["--graph", out, "--format", "csv", "-c", "sources show name, date, file"])
        XCTAssertTrue(s.stdout.contains("jining-2024-09-11,2024-09-11,jining-2024-09-11.txt"), s.stdout)
    }

    func testScorerQueryWorksOnEveryFixtureAndFormsAgree() throws {
        let dir = try tempDir()
        var answers: [String: String] = [:]
        for name in ["own-01-decision.txt", "own-01-decision.gb18030.txt", "own-01-decision.html", "own-01-decision-trad.txt"] {
            let out = dir.appendingPathComponent(name + ".facts").path
            let r = try FactshProcess.run(["ingest", Self.fixtures.appendingPathComponent(name).path, "-o", out])
            XCTAssertEqual(r.status, 0, r.stderr)
            let q = try FactshProcess.run(["--graph", out, "--format", "csv", "-c", "awards show recipient, honor, edition, year"])
            XCTAssertEqual(q.status, 0, q.stderr)
            answers[name] = q.stdout.split(separator: "\n").sorted().joined(separator: "\n")
        }
        XCTAssertTrue(answers["own-01-decision.txt"]!.contains("罗明轩,绵阳市市长质量奖（个人）,第四届"), answers["own-01-decision.txt"]!)
        XCTAssertEqual(Set(answers.values).count, 1, "\(answers)")
    }

    func testDeltaOutputMergesWithAnExportOfTheBuiltinGraph() throws {
        let dir = try tempDir()
        let export = dir.appendingPathComponent("builtin.facts").path
        let e = try FactshProcess.run(["-c", ".export \(export)"])
        XCTAssertEqual(e.status, 0, e.stderr)
        let out = dir.appendingPathComponent("delta.facts").path
        let r = try FactshProcess.run(["ingest", Self.fixtures.appendingPathComponent("own-03-tiers.txt").path, "-o", out, "--delta"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let q = try FactshProcess.run(["--graph", export, "--graph", out, "--format", "csv", "-c", "count awards"])
        XCTAssertEqual(q.status, 0, q.stderr)
        XCTAssertTrue(q.stdout.contains("\(FactshProcess.builtinAwardCount + 7)"), q.stdout)   // built-in + 7 ingested
    }

    func testSelfContainedOutputMergesWithAnExport() throws {
        // The file repeats the built-in graph's kinds and the entities it links to (济宁市 …):
        // loaded after an export of the built-in graph, they merge instead of clashing.
        let dir = try tempDir()
        let export = dir.appendingPathComponent("builtin.facts").path
        XCTAssertEqual(try FactshProcess.run(["-c", ".export \(export)"]).status, 0)
        let out = dir.appendingPathComponent("full.facts").path
        let r = try FactshProcess.run(["ingest", Self.fixtures.appendingPathComponent("own-03-tiers.txt").path, "-o", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        let alone = try FactshProcess.run(["--graph", out, "--format", "csv", "-c", "count awards"])
        XCTAssertEqual(alone.status, 0, alone.stderr)
        XCTAssertTrue(alone.stdout.hasSuffix("\n7\n"), alone.stdout)
        let q = try FactshProcess.run(["--graph", export, "--graph", out, "--format", "csv", "-c", "count awards"])
        XCTAssertEqual(q.status, 0, q.stderr)
        XCTAssertTrue(q.stdout.contains("\(FactshProcess.builtinAwardCount + 7)"), q.stdout)
        // The same file twice: the same facts, not twice as many.
        let twice = try FactshProcess.run(["--graph", out, "--graph", out, "--format", "csv", "-c", "count awards"])
        XCTAssertTrue(twice.stdout.hasSuffix("\n7\n"), twice.stdout + twice.stderr)
    }

    func testShellIngestAcceptsChosenRowsAllOrNothing() throws {
        let file = Self.fixtures.appendingPathComponent("own-03-tiers.txt").path
        let script = ".ingest \(file)\n.ingest accept 1,3-4\ncount awards\n.ingest accept 1\n"
        let r = try FactshProcess.run(["--format", "csv"], stdin: script)
        XCTAssertTrue(r.stdout.contains("added 3 awards to the graph"), r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("\(FactshProcess.builtinAwardCount + 3)"), r.stdout)   // built-in + 3
        XCTAssertTrue(r.stderr.contains("nothing to accept"), r.stderr)
    }

    func testUnreadableAndBinaryInputFailCleanly() throws {
        let dir = try tempDir()
        let bin = dir.appendingPathComponent("binary.txt")
        try Data([0x41, 0x00, 0xFF, 0xFE]).write(to: bin)
        let r = try FactshProcess.run(["ingest", bin.path, dir.appendingPathComponent("missing.txt").path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("not a text file"), r.stderr)
        XCTAssertTrue(r.stderr.contains("missing.txt"), r.stderr)
        let u = try FactshProcess.run(["ingest"])
        XCTAssertEqual(u.status, 2)
    }

    func testLexiconFileErrorsPointAtTheLine() throws {
        let dir = try tempDir()
        let lex = dir.appendingPathComponent("lex.txt")
        try "core 质量奖\nbogus 词\n".write(to: lex, atomically: true, encoding: .utf8)
        let r = try FactshProcess.run(["ingest", Self.fixtures.appendingPathComponent("own-01-decision.txt").path, "--lexicon", lex.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("lex.txt:line 2: unknown entry 'bogus'"), r.stderr)
    }
}
