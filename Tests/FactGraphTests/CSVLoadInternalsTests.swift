import Foundation
import Testing
@testable import FactGraph

/// The pieces the CSV load is made fast with, each against a plain computation: the byte
/// checks, the string pool, the reverse indexes, and the name index that shares the pool's bytes.
@Suite struct CSVLoadInternalsTests {
    /// A deterministic stream of bytes (xorshift), biased towards the bytes that matter here.
    struct Bytes {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        mutating func byte() -> UInt8 {
            let r = next()
            switch r % 8 {
            case 0: return UInt8(0x41 + (r >> 8) % 26)          // A-Z
            case 1: return [0x2C, 0x22, 0x0D, 0x0A, 0x20, 0x40, 0x5B, 0x60][Int((r >> 8) % 8)]
            case 2, 3: return UInt8(0x80 + (r >> 8) % 0x80)    // continuation and lead bytes
            case 4: return [0xE0, 0xED, 0xF0, 0xF4, 0xC2, 0xC1, 0xF5, 0xBF][Int((r >> 8) % 8)]
            default: return UInt8(truncatingIfNeeded: r >> 16)
            }
        }
        mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in byte() } }
    }

    @Test func hasUpperMatchesAByteLoop() {
        var gen = Bytes(state: 0x9E37_79B9_7F4A_7C15)
        for n in 0..<40 {
            for _ in 0..<300 {
                let b = gen.bytes(n)
                let expected = b.contains { $0 >= 0x41 && $0 <= 0x5A }
                #expect(b.withUnsafeBytes { CSVBytes.hasUpper($0) } == expected, "\(b)")
            }
        }
        // Every byte value alone, and at each position of a longer run.
        for v in 0...255 {
            for at in [0, 7, 8, 15, 19] {
                var b = [UInt8](repeating: 0xE6, count: 20)
                b[at] = UInt8(v)
                #expect(b.withUnsafeBytes { CSVBytes.hasUpper($0) } == (v >= 0x41 && v <= 0x5A))
            }
        }
    }

    @Test func utf8CheckAgreesWithTheReader() {
        var gen = Bytes(state: 12345)
        var samples: [[UInt8]] = [
            Array("济宁市".utf8), Array("a😀b".utf8), [0xED, 0x9F, 0xBF], [0xED, 0xA0, 0x80], [0xE0, 0x9F, 0x80],
            [0xE0, 0xA0, 0x80], [0xF0, 0x8F, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
            [0xF4, 0x90, 0x80, 0x80], [0xC1, 0xBF], [0xC2, 0x80], [0xE6, 0x9C], [0xF5, 0x80, 0x80, 0x80], [],
        ]
        for n in 0..<24 { for _ in 0..<2000 { samples.append(gen.bytes(n)) } }
        // Valid text with one byte changed.
        let text = Array("山东天意机械股份有限公司 Jining 2024 😀 济宁".utf8)
        for i in text.indices { for v: UInt8 in [0x80, 0xBF, 0xC0, 0xE0, 0xFF, 0x41] { var t = text; t[i] = v; samples.append(t) } }
        for b in samples {
            let expected = b.withUnsafeBufferPointer { FactsReader.firstInvalidUTF8($0, 0, $0.count) == nil }
            #expect(b.withUnsafeBytes { CSVBytes.isValidUTF8($0) } == expected, "\(b)")
        }
    }

    @Test func stringPoolInternsAndFindsEveryLength() {
        var pool = StringPool()
        var gen = Bytes(state: 777)
        var seen: [[UInt8]: UInt32] = [:]
        for i in 0..<20_000 {
            let b = i % 5 == 0 ? Array("名\(i % 700)".utf8) : gen.bytes(Int(gen.next() % 41))
            let id = b.withUnsafeBytes { pool.intern($0) }
            if let old = seen[b] { #expect(id == old) } else { #expect(Int(id) == seen.count); seen[b] = id }
        }
        #expect(pool.count == seen.count)
        for (b, id) in seen {
            #expect(b.withUnsafeBytes { pool.lookup($0) } == id)
            #expect(pool.withBytes(id) { Array($0) } == b)
        }
        #expect(Array("not in the pool at all".utf8).withUnsafeBytes { pool.lookup($0) } == nil)
        // Strings that differ only in their length or in one byte hash apart.
        let a = Array(repeating: UInt8(0x61), count: 24)
        #expect(a.withUnsafeBytes { StringPool.hash($0) } != a.dropLast().withUnsafeBytes { StringPool.hash($0) })
    }

    @Test func indexBucketsAreSortedByKeyStably() {
        var gen = Bytes(state: 4242)
        for (rows, entities, span) in [(0, 1, 5), (1, 1, 5), (500, 3, 4), (5000, 200, 30), (4000, 20, 254), (3000, 5, 1_000_000), (2000, 40, Int(Int32.max))] {
            let column: [UInt32] = (0..<rows).map { _ in gen.next() % 9 == 0 ? Null.id : UInt32(gen.next() % UInt64(entities)) }
            let keys: [Int64] = (0..<rows).map { _ in gen.next() % 11 == 0 ? Null.int : Int64(gen.next() % UInt64(span)) - Int64(span / 3) }
            let sortKeys = IndexSortKeys.of(IntColumn(keys))
            if case .smallRange = sortKeys { #expect(span < 255) } else { #expect(span >= 255) }
            for index in [RefIndex.build(column: column, sortKeys: sortKeys, sortedBy: 2),
                          RefIndex.build(column: column, sortKeys: .values(IntColumn(keys)), sortedBy: 2),
                          RefIndex.build(column: column, sortKeys: sortKeys, sortedBy: 2, threads: 2),
                          RefIndex.build(column: column, sortKeys: .values(IntColumn(keys)), sortedBy: 2, threads: 2)] {
                #expect(index.sortedBy == 2)
                for e in 0..<entities {
                    let expected = (0..<rows).filter { column[$0] == UInt32(e) }
                        .sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }.map { UInt32($0) }
                    #expect(Array(index.rows(for: EntityID(e))) == expected)
                }
            }
            for unsorted in [RefIndex.build(column: column), RefIndex.build(column: column, threads: 2)] {
                for e in 0..<entities {
                    #expect(Array(unsorted.rows(for: EntityID(e))) == (0..<rows).filter { column[$0] == UInt32(e) }.map { UInt32($0) })
                }
                #expect(unsorted.rows(for: EntityID(entities + 5)).isEmpty)
                #expect(unsorted.sortedBy == nil)
            }
        }
    }

    /// Names and aliases share their bytes with the pool: keys with upper-case letters get a
    /// lower-cased string of their own, and only keys are found by name search.
    @Test func nameKeysLiveInTheStringPool() throws {
        let folder = try CSVFolder([
            "cities.csv": "name,aliases\n济宁市,Jining|JN\nWeiFang,潍坊\n",
            "shops.csv": "name,city,note\n小店,jn,济宁市的店\n大店,WEIFANG,Jining Road\n",
        ])
        defer { folder.remove() }
        let g = try folder.load()
        let jining = try #require(g.entity(named: "济宁市"))
        let weifang = try #require(g.entity(named: "weifang"))
        #expect(g.entity(named: "JINING") == jining && g.entity(named: "jn") == jining && g.entity(named: "潍坊") == weifang)
        #expect(g.name(of: weifang) == "WeiFang" && g.aliases(of: jining) == ["Jining", "JN"])
        #expect(g.nameKeyCount == 7)          // 济宁市 jining jn weifang 潍坊 小店 大店
        var keys: [String: EntityID] = [:]
        g.forEachNameKey { p, e in keys[String(decoding: p, as: UTF8.self)] = e }
        #expect(keys == ["济宁市": jining, "jining": jining, "jn": jining, "weifang": weifang, "潍坊": weifang,
                         "小店": g.entity(named: "小店")!, "大店": g.entity(named: "大店")!])
        // "Jining Road" (a note) and "Jining" (an alias as written) hold "ining" too; only keys count.
        var found: [EntityID] = []
        g.entitiesWithName(containing: "INING").forEach { found.append($0) }
        #expect(found == [jining])
        found = []
        g.entitiesWithName(containing: "店").forEach { found.append($0) }
        #expect(found.count == 2)
        found = []
        g.entitiesWithName(containing: "road").forEach { found.append($0) }
        #expect(found.isEmpty)
        // The note is text, interned after the references were resolved.
        let shop = try #require(g.kind(named: "shop"))
        let note = try #require(g.kinds[shop].columnIndex(named: "note"))
        #expect(g.kinds[shop].columns[note].type == .text)
        #expect((0..<2).map { g.display(g.value(kind: shop, column: note, row: $0)) } == ["济宁市的店", "Jining Road"])
    }

    /// A text with an ASCII byte is looked for only in the strings that hold one (few, in a graph
    /// of Chinese names): the same entities as a search through every key.
    @Test func asciiTextsAreFoundAmongTheStringsWithASCII() throws {
        var rows = "name,aliases,note\n"
        let han = Array("济宁潍坊青岛烟台临沂德聊城滨菏泽枣庄日照威海淄博东营泰安")
        let b = han.count      // 28: three digits name 21,952 firms
        for i in 0..<20_000 {
            // i in base 28, a character a digit: every name its own.
            let name = String((0..<3).map { han[(i / [1, b, b * b][$0]) % b] }) + "公司\(i % 97 == 0 ? String(i) : "")"
            let alias = i % 211 == 0 ? "Firm\(i)|AB\(i)x" : ""
            rows += "\(name),\(alias),\(i % 50 == 0 ? "note ab \(i)" : "说明")\n"
        }
        let folder = try CSVFolder(["firms.csv": rows])
        defer { folder.remove() }
        let g = try folder.load()
        // The strings with ASCII are few enough to be searched alone.
        #expect(g.asciiStrings.ids.count > 500 && g.asciiStrings.ids.count <= g.strings.count / 8)
        var keys: [(String, EntityID)] = []
        g.forEachNameKey { p, e in keys.append((String(decoding: p, as: UTF8.self), e)) }
        for needle in ["ab", "AB3", "firm2", "1", "97", "9", "公司1", "z", "irm1", "济宁潍"] {
            var found: [EntityID] = []
            g.entitiesWithName(containing: needle).forEach { found.append($0) }
            let low = needle.lowercased()
            let want = Set(keys.filter { $0.0.contains(low) }.map(\.1)).sorted()
            #expect(found == want, "\(needle): \(found.count) vs \(want.count)")
        }
    }

    /// Equal keys are claimed in file order, whatever their case.
    @Test func theFirstOfTwoNamesThatDifferInCaseClaimsIt() throws {
        var rows = "name\n"
        for i in 0..<30_000 { rows += "firm\(i)\n" }
        rows += "FIRM17\nFirm29999\n"
        let folder = try CSVFolder(["firms.csv": rows])
        defer { folder.remove() }
        #expect(folder.errorValues() == [
            error("firms.csv", 30_002, .duplicateName("FIRM17", existing: "firm17", line: 19)),
            error("firms.csv", 30_003, .duplicateName("Firm29999", existing: "firm29999", line: 30_001)),
        ])
    }

    /// A reference too long for the name index's slots (quoted and not), one with `""` in quotes,
    /// and ones whose case differs are all resolved, in a file big enough to be scanned in parts.
    @Test func unusualReferencesResolve() throws {
        let long = String(repeating: "长", count: 23_334)      // 70,002 bytes
        var awards = "firm,prize,year\n"
        let rows = 120_000
        for i in 0..<rows {
            if i % 3000 == 0 { awards += "\(long),\"The \"\"Best\"\"\",\(2000 + i % 9)\n" }
            else if i % 3000 == 1500 { awards += "\"\(long)\",\"the \"\"best\"\"\",\(2000 + i % 9)\n" }
            else if i % 2 == 0 { awards += "ACME,\"the \"\"best\"\"\",\(2000 + i % 9)\n" }
            else { awards += "acme,\"THE \"\"BEST\"\"\",\n" }
        }
        let folder = try CSVFolder([
            "firms.csv": "name\nacme\n\(long)\n",
            "prizes.csv": "name\n\"the \"\"best\"\"\"\n",
            "awards.csv": awards,
        ])
        defer { folder.remove() }
        let g = try folder.load()
        let award = try #require(g.kind(named: "award"))
        let firm = try #require(g.kinds[award].columnIndex(named: "firm"))
        let prize = try #require(g.kinds[award].columnIndex(named: "prize"))
        let acme = try #require(g.entity(named: "acme")), longFirm = try #require(g.entity(named: long))
        let best = try #require(g.entity(named: "the \"best\""))
        #expect(g.kinds[award].rowCount == rows)
        var wrong = 0
        for r in 0..<rows {
            let expected = r % 1500 == 0 ? longFirm : acme
            if g.kinds[award].id(firm, r) != expected || g.kinds[award].id(prize, r) != best { wrong += 1 }
        }
        #expect(wrong == 0)
        #expect(g.rows(kind: award, column: firm, referring: longFirm)?.count == rows / 1500)
    }

    /// Entities without aliases or children past the last one that has some cost no offsets.
    @Test func aliasAndChildOffsetsEndEarly() throws {
        var firms = "name,city\n"
        for i in 0..<1000 { firms += "firm\(i),\(i % 2 == 0 ? "济宁市" : "")\n" }
        let folder = try CSVFolder(["cities.csv": "name,aliases\n济宁市,Jining\n潍坊市,\n", "firms.csv": firms])
        defer { folder.remove() }
        let g = try folder.load()
        #expect(g.aliasStart.count <= 2 && g.childStart.count <= 2)
        let jining = try #require(g.entity(named: "济宁市")), weifang = try #require(g.entity(named: "潍坊市"))
        #expect(g.aliases(of: jining) == ["Jining"] && g.aliases(of: weifang).isEmpty)
        #expect(g.children(of: jining).count == 500 && g.children(of: weifang).isEmpty)
        let firm = try #require(g.entity(named: "firm3"))
        #expect(g.aliases(of: firm).isEmpty && g.children(of: firm).isEmpty && g.descendants(of: firm) == [firm])
        #expect(g.allNames().count == 1003)
        // Extending keeps them.
        let more = try CSVFolder(["towns.csv": "name,aliases,city\n某镇,Mouzhen,济宁市\n"])
        defer { more.remove() }
        let h = try more.load(extending: g)
        let town = try #require(h.entity(named: "mouzhen"))
        #expect(h.aliases(of: jining) == ["Jining"] && h.aliases(of: town) == ["Mouzhen"])
        #expect(h.children(of: jining).count == 501)
    }
}
