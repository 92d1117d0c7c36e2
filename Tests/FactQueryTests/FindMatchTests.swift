import Testing
@testable import FactQuery

/// `find` compares names with the query on their bytes when that says what `String`'s
/// `lowercased()`, `==` and `hasPrefix` say (`Explorer.isSimple`), and falls back to the
/// strings otherwise: both ways give the same score.
@Suite struct FindMatchTests {
    /// The reference: what `find` did with strings.
    static func reference(_ name: String, _ query: String) -> Int? {
        let nl = name.lowercased(), ql = query.lowercased()
        if nl == ql { return 0 }
        if nl.hasPrefix(ql) { return 1 }
        return Evaluator.contains(Array(nl.utf8), Array(ql.utf8)) ? 2 : nil
    }

    static func score(_ name: String, _ query: String) -> Int?? {
        let q = Array(query.lowercased().utf8)
        return Array(name.utf8).withUnsafeBytes { Explorer.matchScore($0, q, simpleQuery: Explorer.isSimple(q)) }
    }

    @Test(arguments: [
        ("济宁市", true), ("Jining 济宁", true), ("が", true), ("山东、济宁。", true),
        ("a\r\nb", false), ("か\u{3099}", false), ("Ⅰ号", false), ("Café", false), ("〪", false), ("😀", false), ("ＪＮ", false),
    ])
    func simpleTexts(_ text: String, _ simple: Bool) {
        #expect(Explorer.isSimple(Array(text.utf8)) == simple, "\(text)")
    }

    @Test(arguments: [
        ("济宁市", "济宁市", 0), ("Jining", "jin", 1), ("山东济宁", "济宁", 2), ("济宁", "潍坊", nil), ("JINING", "jining", 0),
        ("济宁", "济宁市", nil), ("abc", "B", 2),
    ] as [(String, String, Int?)])
    func scores(_ name: String, _ query: String, _ want: Int?) {
        #expect(Self.score(name, query) == .some(want), "\(name) / \(query)")
        #expect(Self.reference(name, query) == want)
    }

    /// Random names and queries over ASCII letters of both cases, Han, kana, a combining
    /// sound mark, CR LF and a letter with an accent: wherever the bytes decide, they decide
    /// as the strings do.
    @Test func bytesAgreeWithStrings() {
        let alphabet: [String] = ["a", "B", "c", "济", "宁", "が", "か", "\u{3099}", "\r", "\n", "é", "É", "1", " "]
        var rng = SplitMix64(seed: 5)
        var decided = 0
        for _ in 0..<20_000 {
            func text(_ n: Int) -> String { (0..<n).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }.joined() }
            let name = text(Int.random(in: 0...6, using: &rng)), query = text(Int.random(in: 1...3, using: &rng))
            if case .some(let s) = Self.score(name, query) {
                decided += 1
                #expect(s == Self.reference(name, query), "\(name.debugDescription) / \(query.debugDescription)")
            }
        }
        #expect(decided > 2_000)
    }
}

/// `Pinyin.full` and `initials`, made as bytes, are the syllables joined and their first
/// letters, on random texts of Han, ASCII letters of both cases, digits, punctuation and
/// characters without a reading.
@Suite struct PinyinReadingTests {
    @Test func readingsAreTheSyllables() {
        let alphabet: [String] = ["济", "宁", "行", "银", "〇", "A", "b", "Z", "7", " ", "-", "é", "（", "😀", "市", "Ⅱ", "_", "Jin"]
        var rng = SplitMix64(seed: 12)
        for _ in 0..<5_000 {
            let s = (0..<Int.random(in: 0...8, using: &rng)).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }.joined()
            let syl = Pinyin.syllables(s)
            #expect(Pinyin.full(s) == syl.joined(), "\(s)")
            #expect(Pinyin.initials(s) == String(syl.compactMap(\.first)), "\(s)")
        }
        #expect(Pinyin.full("济宁市") == "jiningshi" && Pinyin.initials("济宁市") == "jns")
        #expect(Pinyin.full("ABC公司2024") == "abcgongsi2024" && Pinyin.initials("ABC公司2024") == "ags2")
    }
}
