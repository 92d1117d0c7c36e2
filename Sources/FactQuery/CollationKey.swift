import FactGraph

/// Sort keys for text in the order Chinese users expect (a Chinese-locale spreadsheet's):
///
/// - Han characters by their pinyin, syllable by syllable (济宁 ji·ning < 金乡 jin·xiang), and
///   interleaved with Latin letters (Apple < 济宁 < Jinan < 潍坊);
/// - runs of digits by value (item 9 < item 10), full-width digits too;
/// - ordinals 第N届, 第N批, 第N次, 第N期 by value, with Chinese numerals (第九届 < 第十届);
/// - other Chinese numerals stay text: 三一重工 is san·yi·zhong·gong, not 31;
/// - punctuation and spaces before digits, digits before letters;
/// - ties broken by code point, so different texts never compare equal.
///
/// `collate codepoint` orders by code point (UTF-8 byte order) instead.
///
/// A key is a sequence of `UInt32` weights compared lexicographically: each element starts with
/// its class (1 punctuation, 2 number, 3 letters, 4 other), a number is its digit count and
/// digits, a syllable or Latin word its letters and a 0; the code points follow a 0 separator.
public enum CollationKey {
    /// Syllable letters per pinyin table code, decoded once.
    static let syllableLetters: [[UInt32]] = PinyinTable.syllables.map { $0.unicodeScalars.map(\.value) }

    static func chineseDigit(_ v: UInt32) -> Int? {
        switch v {
        case 0x96F6, 0x3007: return 0         // 零 〇
        case 0x4E00: return 1                 // 一
        case 0x4E8C, 0x4E24: return 2         // 二 两
        case 0x4E09: return 3                 // 三
        case 0x56DB: return 4                 // 四
        case 0x4E94: return 5                 // 五
        case 0x516D: return 6                 // 六
        case 0x4E03: return 7                 // 七
        case 0x516B: return 8                 // 八
        case 0x4E5D: return 9                 // 九
        default: return nil
        }
    }

    static func chineseMultiplier(_ v: UInt32) -> Int? {
        switch v {
        case 0x5341: return 10     // 十
        case 0x767E: return 100    // 百
        case 0x5343: return 1000   // 千
        default: return nil
        }
    }

    /// Units after which 第N is an ordinal: 届 批 次 期.
    static func isOrdinalUnit(_ v: UInt32) -> Bool { v == 0x5C4A || v == 0x6279 || v == 0x6B21 || v == 0x671F }

    @inline(__always) static func digitValue(_ v: UInt32) -> UInt32? {
        if v >= 0x30 && v <= 0x39 { return v - 0x30 }
        if v >= 0xFF10 && v <= 0xFF19 { return v - 0xFF10 }
        return nil
    }

    /// Appends a number element for the decimal digits of `value` (or of `digits`).
    static func appendNumber(_ digits: [UInt32], to key: inout [UInt32]) {
        var d = digits[...]
        while d.count > 1 && d.first == 0 { d = d.dropFirst() }
        if d.count == 1 && d.first == 0 { d = [] }
        key.append(2)
        key.append(UInt32(d.count))
        for x in d { key.append(x + 1) }
    }

    /// The key of a text.
    public static func key(_ s: String) -> [UInt32] {
        let scalars = Array(s.unicodeScalars.lazy.map(\.value))
        var key: [UInt32] = []
        key.reserveCapacity(scalars.count * 4 + 2)
        var i = 0
        let n = scalars.count
        let codes = Pinyin.codes
        while i < n {
            let v = scalars[i]
            if digitValue(v) != nil {
                var digits: [UInt32] = []
                while i < n, let d = digitValue(scalars[i]) { digits.append(d); i += 1 }
                appendNumber(digits, to: &key)
                continue
            }
            if (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) || (v >= 0xFF21 && v <= 0xFF3A) || (v >= 0xFF41 && v <= 0xFF5A) {
                key.append(3)
                while i < n {
                    var c = scalars[i]
                    if c >= 0xFF21 && c <= 0xFF5A { c -= 0xFEE0 }
                    if c >= 0x41 && c <= 0x5A { c |= 0x20 } else if !(c >= 0x61 && c <= 0x7A) { break }
                    key.append(c)
                    i += 1
                }
                key.append(0)
                continue
            }
            // 第 + Chinese numerals + 届/批/次/期: the numeral by value.
            if v == 0x7B2C, i + 2 < n + 1 {
                var j = i + 1
                var section = 0, digit = 0, total = 0, any = false
                while j < n {
                    let c = scalars[j]
                    if let d = chineseDigit(c) { digit = d; any = true }
                    else if let m = chineseMultiplier(c) {
                        section += (digit == 0 && !any ? 1 : digit) * m
                        digit = 0
                        any = true
                    } else { break }
                    j += 1
                }
                total = section + digit
                if any && j < n && isOrdinalUnit(scalars[j]) {
                    appendSyllable(for: v, codes, to: &key)
                    appendNumber(Array(String(total).unicodeScalars.map { $0.value - 0x30 }), to: &key)
                    i = j
                    continue
                }
            }
            if v >= PinyinTable.first && v <= PinyinTable.last && codes[Int(v - PinyinTable.first)] != 0 {
                appendSyllable(for: v, codes, to: &key)
                i += 1
                continue
            }
            if v < 0x80 || (v >= 0x3000 && v <= 0x303F) || (v >= 0xFF00 && v <= 0xFF0F) || (v >= 0xFF1A && v <= 0xFF20)
                || (v >= 0x2000 && v <= 0x206F) {
                key.append(1)
                key.append(v)
            } else {
                key.append(4)
                key.append(v)
            }
            i += 1
        }
        key.append(0)
        key.append(contentsOf: scalars)
        return key
    }

    @inline(__always)
    static func appendSyllable(for v: UInt32, _ codes: [UInt16], to key: inout [UInt32]) {
        key.append(3)
        key.append(contentsOf: syllableLetters[Int(codes[Int(v - PinyinTable.first)])])
        key.append(0)
    }

    /// Whether `a` sorts before `b`.
    public static func less(_ a: String, _ b: String, _ c: Collation = .pinyin) -> Bool {
        switch c {
        case .codepoint: return a.utf8.lexicographicallyPrecedes(b.utf8)
        case .pinyin: return key(a).lexicographicallyPrecedes(key(b))
        }
    }
}

extension Collation {
    /// Texts in collation order; `shortestFirst` puts shorter texts first (for candidate lists).
    static func sorted(_ xs: [String], shortestFirst: Bool = false, _ c: Collation = .pinyin) -> [String] {
        let keyed = xs.map { (s: $0, n: $0.unicodeScalars.count, k: c == .pinyin ? CollationKey.key($0) : []) }
        return keyed.sorted { x, y in
            if shortestFirst && x.n != y.n { return x.n < y.n }
            if c == .codepoint { return x.s.utf8.lexicographicallyPrecedes(y.s.utf8) }
            return x.k.lexicographicallyPrecedes(y.k)
        }.map(\.s)
    }
}

/// Ranks of the strings a sort meets: each distinct string id gets its place in collation order,
/// so rows compare integers, not strings.
struct CollationRanks {
    /// rank per string id (only the ids asked for are meaningful).
    private var rank: [UInt32: UInt32] = [:]

    init(ids: some Sequence<UInt32>, pool: StringPool, _ c: Collation) {
        var distinct = Array(Set(ids))
        if c == .codepoint {
            distinct.sort { a, b in
                pool.withBytes(a) { x in pool.withBytes(b) { y in x.lexicographicallyPrecedes(y) } }
            }
        } else {
            let keys = distinct.map { CollationKey.key(pool.string($0)) }
            let order = keys.indices.sorted { keys[$0].lexicographicallyPrecedes(keys[$1]) }
            distinct = order.map { distinct[$0] }
        }
        rank.reserveCapacity(distinct.count)
        for (i, id) in distinct.enumerated() { rank[id] = UInt32(i) }
    }

    subscript(_ id: UInt32) -> UInt32 { rank[id] ?? UInt32.max }
}
