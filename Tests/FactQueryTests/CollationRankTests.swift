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
        var byRank = [Int](repeating: -1, count: p.count)
        for (id, r) in ranks.enumerated() { byRank[Int(r)] = id }
        #expect(!byRank.contains(-1), "ranks are a permutation")
        let keys = (0..<p.count).map { CollationKey.key(p.string(UInt32($0))) }
        var bad = 0
        for r in 1..<byRank.count {
            let a = keys[byRank[r - 1]], b = keys[byRank[r]]
            let c = a.withUnsafeBytes { x in b.withUnsafeBytes { y in CollationKey.compare(x, y) } }
            if c >= 0 { bad += 1 }
        }
        #expect(bad == 0)
    }
}
