import BuiltinGraph
import FactGraph
import Foundation
import Testing
@testable import FactIngest

/// Events (press conferences), speakers and statistics from the two built-in sources, measured
/// against the `event`, `speaker` and `stat` rows of builtin.facts (docs/INGEST.md, "Events and
/// statistics", says how they are matched and what the targets are).
@Suite struct EventsAndStatsTests {
    /// `kind key=value …` rows of builtin.facts (values there have no spaces or quotes).
    static func rows(_ kind: String) throws -> [(fields: [String: String], name: String, source: String, line: Int)] {
        let text = try String(contentsOf: QualityTests.packageRoot.appendingPathComponent("Sources/BuiltinGraph/builtin.facts"), encoding: .utf8)
        var out: [([String: String], String, String, Int)] = []
        for line in text.split(separator: "\n") where line.hasPrefix(kind + " ") {
            var f: [String: String] = [:]
            var source = "", name = "", at = 0
            for (k, tok) in line.split(separator: " ").enumerated() {
                if tok.hasPrefix("@") {
                    let p = tok.dropFirst().split(separator: ":")
                    source = String(p[0]); at = p.count > 1 ? Int(p[1]) ?? 0 : 0
                }
                else if let eq = tok.firstIndex(of: "=") { f[String(tok[..<eq])] = String(tok[tok.index(after: eq)...]) }
                else if k == 1 { name = String(tok) }
            }
            out.append((f, name, source, at))
        }
        return out
    }

    static func candidates() throws -> (graph: FactGraph, all: [Candidate]) {
        let graph = try BuiltinGraph.load()
        let ingest = Ingest(graph: graph)
        var all: [Candidate] = []
        for name in ["jining-2024-09-11.txt", "weifang-2021-09-17.txt"] {
            let url = QualityTests.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/sources/\(name)")
            all += ingest.extract(try SourceDocument(bytes: [UInt8](try Data(contentsOf: url)), fileName: name)).candidates
        }
        return (graph, all)
    }

    static func same(_ g: FactGraph, _ a: String?, _ b: String?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        if a == b { return true }
        if let x = g.entity(named: a), let y = g.entity(named: b) { return x == y }
        return false
    }

    /// A statistic is right when its source, subject (the same graph entity), value and unit are
    /// a gold row's; measure wording is free (reported: how many also name the gold honor).
    @Test func statisticsOfTheBuiltinSources() throws {
        let (g, all) = try Self.candidates()
        let gold = try Self.rows("stat").filter { $0.fields["value"] != nil }
        let stats = all.filter { $0.kind == .stat }
        var matched = Set<Int>(), right = 0, honorRight = 0, honorGold = 0
        var wrong: [String] = []
        for c in stats {
            guard let s = c.stat else { continue }
            let hits = gold.indices.filter { i in
                let r = gold[i]
                return r.source == c.source && Self.same(g, r.fields["subject"], s.subject) && Double(r.fields["value"]!) == s.value && r.fields["unit"] == s.unit
            }
            // The gold row of the same line first (two rows may share subject, value and unit).
            let ordered = hits.sorted { abs(gold[$0].line - c.line) < abs(gold[$1].line - c.line) }
            if let first = ordered.first(where: { !matched.contains($0) }) ?? ordered.first {
                right += 1
                matched.insert(first)
                if let h = gold[first].fields["honor"] {
                    honorGold += 1
                    if Self.same(g, h, s.honor) { honorRight += 1 }
                }
            } else {
                wrong.append("\(s.subject) \(s.measure) \(s.valueText)\(s.unit) @\(c.source):\(c.line)")
            }
        }
        let precision = Double(right) / Double(max(stats.count, 1)), recall = Double(matched.count) / Double(gold.count)
        let missed = gold.indices.filter { !matched.contains($0) }.map { "\(gold[$0].fields["subject"]!) \(gold[$0].fields["measure"]!) \(gold[$0].fields["value"]!)\(gold[$0].fields["unit"] ?? "")" }
        print("statistics: \(stats.count) candidates, \(right) right; \(matched.count)/\(gold.count) gold found; precision \(precision), recall \(recall); honor linked right for \(honorRight) of the \(honorGold) found that count an honor")
        print("  wrong: \(wrong)\n  missed: \(missed)")
        #expect(precision >= 0.85, "wrong: \(wrong)")
        #expect(recall >= 0.75, "missed: \(missed)")
        #expect(honorRight * 10 >= honorGold * 8, "honor links")
    }

    /// The press conference of each source (date, host, name) and its speakers (person, role).
    @Test func pressConferencesAndSpeakers() throws {
        let (g, all) = try Self.candidates()
        let goldEvents = try Self.rows("event").filter { $0.fields["type"] == "新闻发布会" }
        let events = all.filter { $0.kind == .event }
        var eventRight = 0, hostRight = 0, nameRight = 0
        for c in events {
            guard let e = c.event, let r = goldEvents.first(where: { $0.source == c.source && $0.fields["date"] == e.date }) else { continue }
            eventRight += 1
            if Self.same(g, r.fields["host"], e.host) { hostRight += 1 }
            if Self.same(g, r.name, e.name) { nameRight += 1 }
        }
        let goldSpeakers = try Self.rows("speaker")
        let speakers = all.filter { $0.kind == .speaker }
        var speakerRight = 0
        var wrong: [String] = []
        for c in speakers {
            guard let s = c.speaker else { continue }
            if goldSpeakers.contains(where: { $0.source == c.source && $0.fields["person"] == s.person && $0.fields["role"] == s.role }) { speakerRight += 1 } else { wrong.append("\(s.person) \(s.role)") }
        }
        print("events: \(events.count) candidates, \(eventRight) right (date), \(hostRight) with the gold host, \(nameRight) with the gold name; gold \(goldEvents.count)")
        print("speakers: \(speakers.count) candidates, \(speakerRight) right; gold \(goldSpeakers.count); wrong: \(wrong)")
        #expect(eventRight == goldEvents.count && events.count == goldEvents.count)
        #expect(hostRight == goldEvents.count)
        #expect(speakerRight == goldSpeakers.count && speakers.count == goldSpeakers.count, "wrong: \(wrong)")
    }

    @Test func statisticsAndEventsLoadWithTheAwards() throws {
        let (g, _) = try Self.candidates()
        let ingest = Ingest(graph: g)
        var docs: [IngestedDocument] = []
        for name in ["jining-2024-09-11.txt", "weifang-2021-09-17.txt"] {
            let url = QualityTests.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/sources/\(name)")
            docs.append(ingest.extract(try SourceDocument(bytes: [UInt8](try Data(contentsOf: url)), fileName: name)))
        }
        let text = FactsOutput.write(docs, linker: ingest.linker)
        let loaded = try FactsReader.load([("out.facts", Array(text.utf8))])
        for kind in ["stat", "event", "speaker", "award"] {
            let k = try #require(loaded.kind(named: kind))
            #expect(loaded.kinds[k].rowCount > 0, "\(kind)")
        }
    }

    @Test(arguments: [
        ("截至目前，全市共有省长质量奖及提名奖14个。", "济宁市", "省长质量奖及提名奖", "14", "个", "共"),
        ("食品抽检合格率稳定在98.5%以上。", "济宁市", "食品抽检合格率", "98.5", "%", "以上"),
        ("全市累计培育“一企一技术”研发中心645家，其中省级169家。", "济宁市", "省级一企一技术研发中心", "169", "家", "其中"),
        ("建成A平台、B平台2个线上服务平台。", "济宁市", "线上服务平台", "2", "个", nil),
        ("金乡县建成涵盖大蒜全产业链的343项标准体系。", "金乡县", "标准体系", "343", "项", nil),
    ] as [(String, String, String, String, String, String?)])
    func statisticRules(text: String, subject: String, measure: String, value: String, unit: String, qualifier: String?) throws {
        let doc = try SourceDocument(bytes: Array("济宁市质量工作情况\n\n\(text)\n".utf8), fileName: "t.txt")
        let stats = Ingest(graph: nil).extract(doc).candidates.compactMap(\.stat)
        let s = try #require(stats.last)
        #expect(s.subject == subject)
        #expect(s.measure == measure)
        #expect(s.valueText == value)
        #expect(s.unit == unit)
        #expect(s.qualifier == qualifier)
    }

    @Test func speakersUnderHeadings() throws {
        let text = "9月10日上午，市政府新闻办召开新闻发布会，介绍全市质量工作有关情况。\n发布人\n张建国 市市场监管局局长　一级调研员李红梅 市工信局副局长\n主持人\n王 伟 市委宣传部科长\n"
        let doc = try SourceDocument(bytes: Array(("济宁市质量发布会\n2024-09-11\n" + text).utf8), fileName: "t.txt")
        let all = Ingest(graph: nil).extract(doc).candidates
        let ev = try #require(all.first { $0.kind == .event }?.event)
        #expect(ev.date == "2024-09-10")
        #expect(ev.host == "济宁市人民政府新闻办公室")
        #expect(ev.name == "济宁市质量工作新闻发布会")
        let sp = all.compactMap(\.speaker).map { "\($0.person)|\($0.role)|\($0.title ?? "")" }
        #expect(sp == ["张建国|发布人|市市场监管局局长 一级调研员", "李红梅|发布人|市工信局副局长", "王伟|主持人|市委宣传部科长"])
    }
}

/// Statistics and events of the suite's own releases (batches C–E, written after the rules:
/// `Fixtures/gold-stats/NAME.tsv` = subject, measure, value, unit, honor; `NAME.events.tsv` =
/// date, host, type, speakers), matched as on the built-in sources.
@Suite struct OwnStatisticsTests {
    static let dir = QualityTests.fixtures.appendingPathComponent("gold-stats")

    @Test func statisticsAndEventsOfOwnReleases() throws {
        let ingest = Ingest(graph: try BuiltinGraph.load())
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.dir.path).sorted()
        var cands = 0, right = 0, found = 0, gold = 0, honorGold = 0, honorRight = 0
        var eventsRight = 0, eventsGold = 0, speakersRight = 0, speakersGold = 0, speakerCands = 0
        var report: [String] = []
        for f in files where f.hasSuffix(".tsv") && !f.hasSuffix(".events.tsv") {
            let stem = String(f.dropLast(4))
            guard let rel = try FileManager.default.contentsOfDirectory(atPath: QualityTests.fixtures.appendingPathComponent("releases").path).first(where: { $0.hasPrefix(stem + ".") }) else { continue }
            let url = QualityTests.fixtures.appendingPathComponent("releases/\(rel)")
            let all = ingest.extract(try SourceDocument(bytes: [UInt8](try Data(contentsOf: url)), fileName: rel)).candidates
            let rows = try String(contentsOf: Self.dir.appendingPathComponent(f), encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
            var matched = Set<Int>()
            for c in all where c.kind == .stat {
                guard let s = c.stat else { continue }
                cands += 1
                if let k = rows.indices.first(where: { rows[$0][0] == s.subject && Double(rows[$0][2]) == s.value && rows[$0][3] == s.unit }) {
                    right += 1
                    if !matched.contains(k) && !rows[k][4].isEmpty { honorGold += 1; if s.honor == rows[k][4] { honorRight += 1 } }
                    matched.insert(k)
                } else { report.append("\(stem): FP stat \(s.subject) \(s.measure) \(s.valueText)\(s.unit)") }
            }
            for k in rows.indices where !matched.contains(k) { report.append("\(stem): FN stat \(rows[k].joined(separator: " "))") }
            found += matched.count; gold += rows.count
            let evFile = Self.dir.appendingPathComponent(stem + ".events.tsv")
            if let text = try? String(contentsOf: evFile, encoding: .utf8) {
                for row in text.split(separator: "\n").map({ $0.split(separator: "\t").map(String.init) }) {
                    eventsGold += 1
                    if all.contains(where: { $0.event?.date == row[0] && $0.event?.host == row[1] && $0.event?.type == row[2] }) { eventsRight += 1 } else { report.append("\(stem): FN event \(row)") }
                    let people = row[3].split(separator: ",").map(String.init)
                    speakersGold += people.count
                    let sp = all.compactMap(\.speaker)
                    speakerCands += sp.count
                    speakersRight += sp.filter { people.contains($0.person) }.count
                }
            }
        }
        let p = Double(right) / Double(max(cands, 1)), r = Double(found) / Double(max(gold, 1))
        print("own statistics (batches C, D, E): \(cands) candidates, \(right) right; \(found)/\(gold) gold found; precision \(p), recall \(r); honor right for \(honorRight) of \(honorGold)")
        print("own events: \(eventsRight)/\(eventsGold) right; speakers \(speakersRight) right of \(speakerCands), gold \(speakersGold)\n  " + report.joined(separator: "\n  "))
        #expect(p >= 0.8 && r >= 0.7, "\(report)")
        #expect(eventsRight == eventsGold && speakersRight == speakersGold)
    }
}
