import FactGraph

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
/// A key is a byte string compared with `memcmp`: each element starts with its class (1
/// punctuation, 2 number, 3 letters, 4 other); a number is its digit count and digits, a syllable
/// or Latin word its letters and a 0, punctuation and other characters their code point in three
/// bytes; after a 0 the text's own UTF-8 bytes break ties.
public enum CollationKey {
    /// Syllable letters per pinyin table code, decoded once.
    static let syllableBytes: [[UInt8]] = PinyinTable.syllables.map { Array($0.utf8) }

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
    @inline(__always)
    static func isOrdinalUnit(_ v: UInt32) -> Bool { v == 0x5C4A || v == 0x6279 || v == 0x6B21 || v == 0x671F }

    @inline(__always)
    static func digitValue(_ v: UInt32) -> UInt8? {
        if v >= 0x30 && v <= 0x39 { return UInt8(v - 0x30) }
        if v >= 0xFF10 && v <= 0xFF19 { return UInt8(v - 0xFF10) }
        return nil
    }

    @inline(__always)
    static func isPunctuation(_ v: UInt32) -> Bool {
        v < 0x80 || (v >= 0x3000 && v <= 0x303F) || (v >= 0xFF00 && v <= 0xFF0F) || (v >= 0xFF1A && v <= 0xFF20) || (v >= 0x2000 && v <= 0x206F)
    }

    /// Appends a number element: digit count (leading zeros dropped), then digits + 1.
    static func appendNumber(_ digits: ArraySlice<UInt8>, to key: inout [UInt8]) {
        var d = digits
        while let f = d.first, f == 0 { d = d.dropFirst() }
        key.append(2)
        key.append(UInt8(min(d.count, 255)))
        for x in d { key.append(x + 1) }
    }

    /// Decodes the scalars of valid UTF-8.
    static func scalars(_ p: UnsafeRawBufferPointer) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(p.count)
        var i = 0
        let n = p.count
        while i < n {
            let c = p[i]
            if c < 0x80 { out.append(UInt32(c)); i += 1 }
            else if c < 0xE0, i + 1 < n { out.append(UInt32(c & 0x1F) << 6 | UInt32(p[i + 1] & 0x3F)); i += 2 }
            else if c < 0xF0, i + 2 < n { out.append(UInt32(c & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F)); i += 3 }
            else if i + 3 < n {
                out.append(UInt32(c & 0x07) << 18 | UInt32(p[i + 1] & 0x3F) << 12 | UInt32(p[i + 2] & 0x3F) << 6 | UInt32(p[i + 3] & 0x3F))
                i += 4
            } else { out.append(UInt32(c)); i += 1 }
        }
        return out
    }

    /// Appends the key of the UTF-8 text `p` to `key`.
    static func append(_ p: UnsafeRawBufferPointer, to key: inout [UInt8]) {
        let s = scalars(p)
        let n = s.count
        let codes = Pinyin.codes
        var digits: [UInt8] = []
        var i = 0
        while i < n {
            let v = s[i]
            if digitValue(v) != nil {
                digits.removeAll(keepingCapacity: true)
                while i < n, let d = digitValue(s[i]) { digits.append(d); i += 1 }
                appendNumber(digits[...], to: &key)
                continue
            }
            var c = v
            if c >= 0xFF21 && c <= 0xFF5A { c -= 0xFEE0 }
            if (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) {
                key.append(3)
                while i < n {
                    var x = s[i]
                    if x >= 0xFF21 && x <= 0xFF5A { x -= 0xFEE0 }
                    if x >= 0x41 && x <= 0x5A { x |= 0x20 } else if !(x >= 0x61 && x <= 0x7A) { break }
                    key.append(UInt8(x))
                    i += 1
                }
                key.append(0)
                continue
            }
            // 第 + Chinese numerals + 届/批/次/期: the numeral by value.
            if v == 0x7B2C && i + 1 < n {
                var j = i + 1
                var section = 0, digit = 0
                var any = false
                while j < n {
                    let x = s[j]
                    if let d = chineseDigit(x) { digit = d; any = true }
                    else if let m = chineseMultiplier(x) {
                        section += (digit == 0 && !any ? 1 : digit) * m
                        digit = 0
                        any = true
                    } else { break }
                    j += 1
                }
                if any && j < n && isOrdinalUnit(s[j]) {
                    appendSyllable(v, codes, to: &key)
                    appendNumber(Array(String(section + digit).utf8).map { $0 - 0x30 }[...], to: &key)
                    i = j
                    continue
                }
            }
            if v >= PinyinTable.first && v <= PinyinTable.last && codes[Int(v - PinyinTable.first)] != 0 {
                appendSyllable(v, codes, to: &key)
                i += 1
                continue
            }
            key.append(isPunctuation(v) ? 1 : 4)
            key.append(UInt8(truncatingIfNeeded: v >> 16))
            key.append(UInt8(truncatingIfNeeded: v >> 8))
            key.append(UInt8(truncatingIfNeeded: v))
            i += 1
        }
        key.append(0)
        key.append(contentsOf: p)
    }

    @inline(__always)
    static func appendSyllable(_ v: UInt32, _ codes: [UInt16], to key: inout [UInt8]) {
        key.append(3)
        key.append(contentsOf: syllableBytes[Int(codes[Int(v - PinyinTable.first)])])
        key.append(0)
    }

    /// The key of a text.
    public static func key(_ s: String) -> [UInt8] {
        var s = s
        var key: [UInt8] = []
        s.withUTF8 { key.reserveCapacity($0.count * 3 + 2); append(UnsafeRawBufferPointer($0), to: &key) }
        return key
    }

    /// Compares byte strings as `memcmp` then length: -1, 0 or 1.
    @inline(__always)
    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let n = min(a.count, b.count)
        if n > 0 {
            let r = memcmp(a.baseAddress!, b.baseAddress!, n)
            if r != 0 { return r < 0 ? -1 : 1 }
        }
        return a.count < b.count ? -1 : (a.count == b.count ? 0 : 1)
    }

    /// Whether `a` sorts before `b`.
    public static func less(_ a: String, _ b: String, _ c: Collation = .pinyin) -> Bool {
        switch c {
        case .codepoint: return a.utf8.lexicographicallyPrecedes(b.utf8)
        case .pinyin:
            let x = key(a), y = key(b)
            return x.withUnsafeBytes { p in y.withUnsafeBytes { q in compare(p, q) < 0 } }
        }
    }
}

extension Collation {
    /// Texts in collation order; `shortestFirst` puts shorter texts first (for candidate lists).
    static func sorted(_ xs: [String], shortestFirst: Bool = false, _ c: Collation = .pinyin) -> [String] {
        let keyed = xs.map { (s: $0, n: $0.unicodeScalars.count, k: c == .pinyin ? CollationKey.key($0) : Array($0.utf8)) }
        return keyed.sorted { x, y in
            if shortestFirst && x.n != y.n { return x.n < y.n }
            return x.k.withUnsafeBytes { p in y.k.withUnsafeBytes { q in CollationKey.compare(p, q) < 0 } }
        }.map(\.s)
    }
}

/// The place of every string of a graph's pool in collation order, built once per graph on first
/// use (or on the second core after a big load) and kept in `graph.derived`: after that, ordering
/// by text or names compares integers.
///
/// - Complexity: O(total bytes) to build keys, O(n log n) comparisons of them to sort; at a
///   million names about half a second, once.
final class CollationRankTable: @unchecked Sendable {
    /// Rank of each string id in pinyin collation.
    let pinyin: [UInt32]
    /// Rank of each string id in code point order.
    let codepoint: [UInt32]

    static func of(_ g: FactGraph) -> CollationRankTable {
        g.derived.value(CollationRankTable.self) { CollationRankTable(g.strings) }
    }

    init(_ pool: StringPool) {
        let n = pool.count
        var keys: [UInt8] = []
        var keyStart = [Int](repeating: 0, count: n + 1)
        pool.withStorage { bytes, starts in
            keys.reserveCapacity(bytes.count * 3)
            for i in 0..<n {
                let s = UnsafeRawBufferPointer(rebasing: bytes[Int(starts[i])..<Int(starts[i + 1])])
                CollationKey.append(s, to: &keys)
                keyStart[i + 1] = keys.count
            }
        }
        func ranks(_ order: [Int32]) -> [UInt32] {
            var r = [UInt32](repeating: 0, count: n)
            for (rank, id) in order.enumerated() { r[Int(id)] = UInt32(rank) }
            return r
        }
        var order = (0..<Int32(n)).map { $0 }
        keys.withUnsafeBytes { kb in
            order.sort { a, b in
                CollationKey.compare(UnsafeRawBufferPointer(rebasing: kb[keyStart[Int(a)]..<keyStart[Int(a) + 1]]),
                                     UnsafeRawBufferPointer(rebasing: kb[keyStart[Int(b)]..<keyStart[Int(b) + 1]])) < 0
            }
        }
        pinyin = ranks(order)
        keys = []
        var cp = (0..<Int32(n)).map { $0 }
        pool.withStorage { bytes, starts in
            cp.sort { a, b in
                CollationKey.compare(UnsafeRawBufferPointer(rebasing: bytes[Int(starts[Int(a)])..<Int(starts[Int(a) + 1])]),
                                     UnsafeRawBufferPointer(rebasing: bytes[Int(starts[Int(b)])..<Int(starts[Int(b) + 1])])) < 0
            }
        }
        codepoint = ranks(cp)
    }

    @inline(__always)
    func rank(_ id: UInt32, _ c: Collation) -> UInt32 { c == .pinyin ? pinyin[Int(id)] : codepoint[Int(id)] }
}

/// Each kind's entities in collation order of their names (per collation), built on first use
/// from the rank table and kept with the graph: `order by name limit N` and `order by recipient
/// limit N` walk it instead of ranking every row.
final class OrderedEntities: @unchecked Sendable {
    let g: FactGraph
    private var lists: [Int: [EntityID]] = [:]
    private var mutex = pthread_mutex_t()

    init(_ g: FactGraph) {
        self.g = g
        pthread_mutex_init(&mutex, nil)
    }

    static func of(_ g: FactGraph) -> OrderedEntities { g.derived.value(OrderedEntities.self) { OrderedEntities(g) } }

    func entities(ofKind k: Int, _ c: Collation) -> [EntityID] {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        let slot = k * 2 + (c == .pinyin ? 0 : 1)
        if let l = lists[slot] { return l }
        let ranks = CollationRankTable.of(g)
        let kind = g.kinds[k]
        var keyed: [UInt64] = kind.entityOfRow.map { e in UInt64(ranks.rank(g.entityName[Int(e)], c)) << 32 | UInt64(e) }
        Grouping.radixSort(&keyed, bits: 64)
        let l = keyed.map { EntityID(truncatingIfNeeded: $0 & 0xFFFF_FFFF) }
        lists[slot] = l
        return l
    }
}
