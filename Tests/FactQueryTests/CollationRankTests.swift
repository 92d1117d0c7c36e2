import Foundation
import FactGraph
import Testing
@testable import FactQuery

/// The rank table of a big pool (built in two parts on two cores, sorted by 24-byte key prefixes
/// then by whole keys within ties) orders every string exactly as comparing whole keys does.
@Suite struct CollationRankTests {
    /// Strings that share long key prefixes, are prefixes of one another, mix digits, Latin
    /// letters, punctuation and Han characters, and differ only after the first 24 key bytes.
    static func pool(_ n: Int) -> StringPool {
        var p = StringPool()
        let heads = ["山东", "山东省", "济宁市", "济宁", "潍坊", "Apple", "apple", "第十届", "第9届", "三一重工", "item", "（", ""]
        let middles = ["金乡县", "质量", "股份有限公司", "机械", "123", "0045", "ＡＢＣ", "·", "有限公司"]
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        var i = 0
        while p.count < n {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            let h = heads[Int(x >> 33) % heads.count]
            let m1 = middles[Int(x >> 40) % middles.count], m2 = middles[Int(x >> 47) % middles.count]
            _ = p.intern(h + m1 + m2 + String(i % 1000) + (x & 1 == 0 ? "厂" : ""))
            i += 1
        }
        return p
    }

    @Test(arguments: [1_000, 70_000])
    func ranksFollowWholeKeys(_ n: Int) {
        let p = Self.pool(n)
        let ranks = CollationRankTable(p).pinyin
        #expect(ranks.count == p.count)
        Self.expectOrder(ranks, p) { CollationKey.key($0) }
    }

    /// The ranks are a permutation of the pool, and in rank order every string's key (whole
    /// key, compared as `memcmp` then length) is below the next one's.
    static func expectOrder(_ ranks: [UInt32], _ p: StringPool, key: (String) -> [UInt8]) {
        var byRank = [Int](repeating: -1, count: p.count)
        for (id, r) in ranks.enumerated() { byRank[Int(r)] = id }
        #expect(!byRank.contains(-1), "ranks are a permutation")
        let keys = (0..<p.count).map { key(p.string(UInt32($0))) }
        var bad = 0
        for r in 1..<byRank.count {
            let a = keys[byRank[r - 1]], b = keys[byRank[r]]
            if a.withUnsafeBytes({ x in b.withUnsafeBytes { y in CollationKey.compare(x, y) } }) >= 0 { bad += 1 }
        }
        #expect(bad == 0)
    }

    /// Han-only names from a few characters that share readings (李 里 理 are all li): most
    /// tie on their first 24 key bytes, many on 48, and homophones only on their own bytes.
    static func homophones(_ n: Int) -> StringPool {
        var p = StringPool()
        let chars = Array("李里理市是事公工功山杉衫东冬动有限司")
        var x: UInt64 = 0x2545_F491_4F6C_DD1D
        while p.count < n {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            let len = 1 + Int(x >> 59)
            var s = ""
            var y = x
            for _ in 0..<len { s.append(chars[Int(y % UInt64(chars.count))]); y /= UInt64(chars.count) ; if y == 0 { y = x >> 7 } }
            _ = p.intern(s)
        }
        return p
    }

    @Test(arguments: [2_000, 150_000])
    func homophonesFollowWholeKeys(_ n: Int) {
        let p = Self.homophones(n)
        Self.expectOrder(CollationRankTable(p).pinyin, p) { CollationKey.key($0) }
    }

    /// Code point order (`collate codepoint`): the texts' bytes, `memcmp` then length, by the
    /// same windows of 24 bytes, on pools that share long prefixes.
    @Test(arguments: [1_000, 70_000, -150_000])
    func codepointRanksFollowTheBytes(_ n: Int) {
        let p = n > 0 ? Self.pool(n) : Self.homophones(-n)
        let table = CollationRankTable(p)
        #expect(!table.isBuilt(.codepoint) && !table.isBuilt(.pinyin))
        Self.expectOrder(table.codepoint, p) { Array($0.utf8) }
        // Code point ranks are made without pinyin's.
        #expect(table.isBuilt(.codepoint) && !table.isBuilt(.pinyin))
    }

    /// The key bytes a window makes without the key are the key's bytes, at every offset, and
    /// texts it cannot make (digits, Latin letters, 第, punctuation, characters without a
    /// reading) are left to the key.
    @Test func windowsAreTheKeysBytes() {
        let pool = Self.homophones(3_000)
        let texts = (0..<pool.count).map { pool.string(UInt32($0)) }
            + ["山东", "济宁市", "第十届", "第二批", "三一重工", "济宁2020", "Apple山东", "山东（济宁）", "㐀山", "山\u{0}", "",
               "中国质量奖", "绍淮阳蜀纺织有限公司", "疆坤电子有限公司"]
        var made = 0, left = 0, wrong = 0
        CollationKey.withWindowTables { codes, words, lengths in
            for t in texts {
                let key = CollationKey.key(t)
                var t = t
                t.withUTF8 { u in
                    for offset in stride(from: 0, through: 96, by: 24) {
                        guard let w = CollationKey.window(UnsafeRawBufferPointer(u), at: offset, codes, words, lengths) else {
                            left += 1
                            continue
                        }
                        made += 1
                        key.withUnsafeBytes { kb in
                            let want = (CollationKey.word(kb, offset), CollationKey.word(kb, offset + 8), CollationKey.word(kb, offset + 16))
                            let reachOK = w.reach == key.count || (w.reach == offset + 24 && key.count >= offset + 24)
                            if w.words != want || !reachOK { wrong += 1 }
                        }
                    }
                }
            }
        }
        #expect(made > 10_000)
        // 第十届, 第二批, 济宁2020, Apple山东, 山东（济宁）, 㐀山 and 山 NUL, at each of 5 offsets.
        #expect(left == 7 * 5, "the texts with digits, Latin letters, 第, punctuation or no reading")
        #expect(wrong == 0)
    }
}

/// `order by name limit N` on a big kind starts from `OrderedEntities.head`, made from 8-byte key
/// prefixes without the rank table: it is exactly the start of the whole order.
@Suite struct OrderedHeadTests {
    /// A graph of its own for each test (they run side by side, and one builds the rank table).
    static func graph(_ tag: String) -> FactGraph {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("factsh-head-\(getpid())-\(tag)")
        try? FileManager.default.removeItem(at: dir)
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var csv = "name,score\n"
        let heads = ["阿", "阿里", "山东", "三一", "Apple", "apple", "第十届", "第9届", "济宁", "（", "1", "01"]
        var x: UInt64 = 12345
        for i in 0..<60_000 {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            csv += "\(heads[Int(x >> 33) % heads.count])\(i % 97)号\(Int(x >> 40) % 1000)公司\(i),\(i % 10)\n"
        }
        try! csv.write(to: dir.appendingPathComponent("enterprises.csv"), atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try! CSVImporter.load(directory: dir.path)
    }

    @Test(arguments: [Collation.pinyin, .codepoint])
    func headIsTheStartOfTheWholeOrder(_ c: Collation) throws {
        let g = Self.graph("\(c)")
        let k = try #require(g.kinds.firstIndex { $0.plural == "enterprises" })
        let ordered = OrderedEntities(g)
        let head = try #require(ordered.head(ofKind: k, c, want: 300))
        #expect(head.count > 100)
        let whole = ordered.entities(ofKind: k, c)
        #expect(Array(whole.prefix(head.count)) == head)
    }

    @Test func limitAnswersTheSameWithAndWithoutRanks() throws {
        let g = Self.graph("limit")
        let e = QueryEngine(graph: g)
        let qs = ["enterprises order by name limit 30", "enterprises where score=3 order by name limit 500",
                  "enterprises order by name collate codepoint limit 7", "enterprises order by name desc limit 5",
                  // Groups tied on the count, broken by names compared one by one (no rank table yet).
                  "count enterprises by name limit 10", "count enterprises by score, name limit 15",
                  "count enterprises by name order by count desc, name collate codepoint limit 10"]
        let before = try qs.map { try e.execute($0).rows }
        _ = CollationRankTable.of(g).pinyin
        _ = CollationRankTable.of(g).codepoint
        #expect(CollationRankTable.isBuilt(g, .pinyin) && CollationRankTable.isBuilt(g, .codepoint))
        let after = try qs.map { try QueryEngine(graph: g).execute($0).rows }
        #expect(before == after)
    }
}

/// The first key word of a name that starts with two read Chinese characters, made without the
/// key (`firstWordOfTwoSyllables`, for `order by` heads), equals the whole key's first word; other
/// names get nil.
@Suite struct FirstKeyWordTests {
    @Test func equalsTheKeysFirstWord() {
        var rng = SplitMix64(seed: 21)
        // Common characters, 第 and numerals, short and six-letter syllables (阿 a, 庄 zhuang).
        let han = Array("济宁潍坊阿庄第一二十届中国质量奖企业有限公司山东省长标杆双创新")
        let other = ["A", "b", "1", "２", "（", "·", "", "é"]
        var tried = 0, fast = 0
        Pinyin.codes.withUnsafeBufferPointer { codes in
            CollationKey.syllableWords.withUnsafeBufferPointer { words in
                CollationKey.syllableLengths.withUnsafeBufferPointer { lengths in
                    for _ in 0..<20_000 {
                        var s = ""
                        for _ in 0..<Int.random(in: 1...6, using: &rng) {
                            s += Int.random(in: 0..<8, using: &rng) == 0 ? other.randomElement(using: &rng)! : String(han.randomElement(using: &rng)!)
                        }
                        var key: [UInt8] = []
                        var scratch = CollationKey.Scratch()
                        var t = s
                        t.withUTF8 { CollationKey.append(UnsafeRawBufferPointer($0), to: &key, scratch: &scratch) }
                        let whole = key.withUnsafeBytes { CollationKey.word($0, 0) }
                        let quick = t.withUTF8 { CollationKey.firstWordOfTwoSyllables(UnsafeRawBufferPointer($0), codes, words, lengths) }
                        tried += 1
                        if let quick { fast += 1; #expect(quick == whole, "\(s)") }
                        let scalars = Array(s.unicodeScalars)
                        let letters = scalars.prefix(2).map { Pinyin.full(String($0)).count }.reduce(0, +)
                        let twoRead = scalars.count >= 2 && scalars[0...1].allSatisfy { (0x4E00...0x9FFF).contains($0.value) && $0 != "第" } && letters >= 4
                        #expect((quick != nil) == twoRead, "\(s) \(scalars.count)")
                    }
                }
            }
        }
        #expect(fast > 5_000 && fast < tried)
    }
}
