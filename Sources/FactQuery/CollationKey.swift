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
    /// The same letters back to back: syllable `i` is `syllableFlat[syllableStart[i] ..< syllableStart[i + 1]]`.
    static let syllableFlat: [UInt8] = syllableBytes.flatMap { $0 }
    static let syllableStart: [Int32] = syllableBytes.reduce(into: [0]) { $0.append($0.last! + Int32($1.count)) }

    /// Each syllable's letters as one word, the first letter in the lowest byte and zeros past
    /// the last (a syllable has at most 6), and its length: written with one store.
    static let syllableWords: [UInt64] = syllableBytes.map { letters in
        letters.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }
    static let syllableLengths: [UInt8] = syllableBytes.map { UInt8($0.count) }

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

    /// Key bytes `from ..< from + 8` as a big-endian integer, zeros past the key's end: keys'
    /// first bytes compared as integers order as `memcmp` would, where they differ.
    @inline(__always)
    static func word(_ key: UnsafeRawBufferPointer, _ from: Int) -> UInt64 {
        let e = key.count
        if from + 8 <= e { return UInt64(bigEndian: key.loadUnaligned(fromByteOffset: from, as: UInt64.self)) }
        var w: UInt64 = 0
        var j = from
        var shift: UInt64 = 56
        while j < e { w |= UInt64(key[j]) << shift; shift &-= 8; j += 1 }
        return w
    }

    /// `word(key, 0)` of the text's key without making the key, when the text starts with two
    /// Chinese characters that have a reading, neither 第, whose syllables have 4 letters or
    /// more together (then the first 8 key bytes are the two syllables' elements); nil otherwise.
    @inline(__always)
    static func firstWordOfTwoSyllables(_ p: UnsafeRawBufferPointer, _ codes: UnsafeBufferPointer<UInt16>,
                                        _ words: UnsafeBufferPointer<UInt64>, _ lengths: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard p.count >= 6 else { return nil }
        @inline(__always) func syllable(_ at: Int) -> Int? {
            let c = p[at]
            guard c >= 0xE0 && c < 0xF0 else { return nil }
            let v = UInt32(c & 0x0F) << 12 | UInt32(p[at + 1] & 0x3F) << 6 | UInt32(p[at + 2] & 0x3F)
            guard v != 0x7B2C, v >= PinyinTable.first && v <= PinyinTable.last else { return nil }
            let code = Int(codes[Int(v - PinyinTable.first)])
            return code == 0 ? nil : code
        }
        // Two syllables of 4 letters or more fill the first 8 bytes.
        guard let a = syllable(0), let b = syllable(3), Int(lengths[a]) + Int(lengths[b]) >= 4 else { return nil }
        // Bytes from the top: 3, the letters, 0, 3, the letters, 0.
        var w: UInt64 = 0
        var shift = 56
        @inline(__always) func put(_ x: UInt64) { if shift >= 0 { w |= x << UInt64(shift) }; shift -= 8 }
        @inline(__always) func element(_ code: Int) {
            put(3)
            var letters = words[code]
            for _ in 0..<Int(lengths[code]) { put(letters & 0xFF); letters >>= 8 }
            put(0)
        }
        element(a)
        element(b)
        return w
    }

    /// Bytes `offset ..< offset + 24` of a text's key as three big-endian words (zeros past the
    /// key's end), made without the key when the text's characters up to them are Han characters
    /// with a reading, none 第: such a key is their syllables' elements, then a 0 and the text's
    /// own bytes, and a character's element does not depend on the ones after it. `reach` is the
    /// key's length, or `offset + 24` when the key goes on past the window. Nil for other texts
    /// (make the key).
    struct Window {
        var words: (UInt64, UInt64, UInt64)
        var reach: Int
    }

    @inline(__always)
    static func window(_ p: UnsafeRawBufferPointer, at offset: Int, _ codes: UnsafeBufferPointer<UInt16>,
                       _ syllables: UnsafeBufferPointer<UInt64>, _ lengths: UnsafeBufferPointer<UInt8>) -> Window? {
        let n = p.count
        let end = offset + 24
        var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0
        var at = 0
        @inline(__always) func put(_ b: UInt64) {
            let k = at &- offset
            if k >= 0 && k < 24 {
                let x = b << UInt64(56 - 8 * (k & 7))
                if k < 8 { w0 |= x } else if k < 16 { w1 |= x } else { w2 |= x }
            }
            at += 1
        }
        var i = 0
        while i < n {
            if at >= end { return Window(words: (w0, w1, w2), reach: end) }
            let c = p[i]
            guard c >= 0xE0 && c < 0xF0 && i + 2 < n else { return nil }
            let v = UInt32(c & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F)
            guard v != 0x7B2C, v >= PinyinTable.first && v <= PinyinTable.last else { return nil }
            let code = Int(codes[Int(v - PinyinTable.first)])
            guard code != 0 else { return nil }
            let len = Int(lengths[code])
            if at + len + 2 <= offset {
                at += len + 2
            } else {
                put(3)
                var letters = syllables[code]
                for _ in 0..<len { put(letters & 0xFF); letters >>= 8 }
                put(0)
            }
            i += 3
        }
        put(0)
        var j = 0
        while j < n && at < end { put(UInt64(p[j])); j += 1 }
        return Window(words: (w0, w1, w2), reach: at + (n - j))
    }

    /// Calls `body` with the tables `window` reads.
    static func withWindowTables<R>(_ body: (UnsafeBufferPointer<UInt16>, UnsafeBufferPointer<UInt64>, UnsafeBufferPointer<UInt8>) -> R) -> R {
        Pinyin.codes.withUnsafeBufferPointer { codes in
            syllableWords.withUnsafeBufferPointer { words in
                syllableLengths.withUnsafeBufferPointer { lengths in body(codes, words, lengths) }
            }
        }
    }

    /// Buffers reused from one key to the next (one per thread).
    struct Scratch {
        var scalars: [UInt32] = []
        var digits: [UInt8] = []
        init() { scalars.reserveCapacity(64); digits.reserveCapacity(16) }
    }

    /// Appends the key of the UTF-8 text `p` to `key`.
    static func append(_ p: UnsafeRawBufferPointer, to key: inout [UInt8]) {
        var scratch = Scratch()
        append(p, to: &key, scratch: &scratch)
    }

    /// Decodes the scalars of valid UTF-8 into `out` (emptied first).
    @inline(__always)
    static func decode(_ p: UnsafeRawBufferPointer, into out: inout [UInt32]) {
        out.removeAll(keepingCapacity: true)
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
    }

    /// Appends the key of the UTF-8 text `p` to `key`, with buffers kept from earlier keys.
    /// With `stopAt`, stops once the key has at least that many bytes (a key's start is the
    /// same whether or not the rest is made).
    static func append(_ p: UnsafeRawBufferPointer, to key: inout [UInt8], scratch: inout Scratch, stopAt: Int = .max) {
        decode(p, into: &scratch.scalars)
        let s = scratch.scalars
        let n = s.count
        let codes = Pinyin.codes
        var digits = scratch.digits
        defer { scratch.digits = digits }
        var i = 0
        while i < n {
            if key.count >= stopAt { return }
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
        let c = Int(codes[Int(v - PinyinTable.first)])
        syllableStart.withUnsafeBufferPointer { st in
            syllableFlat.withUnsafeBufferPointer { f in
                for j in Int(st[c])..<Int(st[c + 1]) { key.append(f[j]) }
            }
        }
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
/// - Complexity: O(n log n) comparisons of 24-byte key windows, then the same for the next 24
///   bytes of the strings that tie; at a million names about 150 ms on two cores, once.
final class CollationRankTable: @unchecked Sendable {
    let pool: StringPool
    /// Guards `pinyinOrder`.
    private var mutex = pthread_mutex_t()
    /// Each collation's ranks, built when first asked for, so a statement in code point order
    /// does not wait for pinyin's.
    private let pinyinRanks: Ranks, codepointRanks: Ranks

    static func of(_ g: FactGraph) -> CollationRankTable {
        g.derived.value(CollationRankTable.self) { CollationRankTable(g.strings) }
    }

    /// Ranks nothing yet.
    init(_ pool: StringPool) {
        self.pool = pool
        pthread_mutex_init(&mutex, nil)
        pinyinRanks = Ranks(pool, .pinyin)
        codepointRanks = Ranks(pool, .codepoint)
    }

    /// One collation's ranks of the pool's strings, built on first use (by one caller; the
    /// others wait for it).
    final class Ranks: @unchecked Sendable {
        let pool: StringPool
        let collation: Collation
        private var mutex = pthread_mutex_t()
        private var built: [UInt32]? = nil

        init(_ pool: StringPool, _ collation: Collation) {
            self.pool = pool
            self.collation = collation
            pthread_mutex_init(&mutex, nil)
        }

        var value: [UInt32] {
            pthread_mutex_lock(&mutex)
            defer { pthread_mutex_unlock(&mutex) }
            if let r = built { return r }
            let r = CollationRankTable.build(pool, collation)
            built = r
            return r
        }

        /// Whether they are built (false while they are being built: nothing waits here).
        var isBuilt: Bool {
            guard pthread_mutex_trylock(&mutex) == 0 else { return false }
            defer { pthread_mutex_unlock(&mutex) }
            return built != nil
        }
    }

    /// Whether the graph's ranks in collation `c` are there to read: built, not being built
    /// (nothing is built or waited for here).
    static func isBuilt(_ g: FactGraph, _ c: Collation) -> Bool {
        g.derived.has(CollationRankTable.self) && of(g).isBuilt(c)
    }

    func isBuilt(_ c: Collation) -> Bool { (c == .pinyin ? pinyinRanks : codepointRanks).isBuilt }

    /// Rank of each string id in pinyin collation, built on first use.
    var pinyin: [UInt32] { pinyinRanks.value }

    /// Ranks in code point order, built on first use.
    var codepoint: [UInt32] { codepointRanks.value }

    /// Each string's rank in collation `c`. The strings in two parts split at half their
    /// bytes, each part's sort items made and sorted on its own core when the pool is big, then
    /// the parts merged. Whole keys are never kept: only the strings whose first 24 key bytes
    /// tie get their next 24 (see `orderTies`). Han names' pinyin key bytes come from
    /// `CollationKey.window` without making keys; in code point order the key is the text.
    static func build(_ pool: StringPool, _ c: Collation) -> [UInt32] {
        let n = pool.count
        let half = n >= 65_536 ? max(1, min(pool.firstID(startingAtOrAfter: pool.byteCount / 2), n - 1)) : n
        if half < n {
            let (a, b) = BackgroundWork.pair({ Self.items(pool, c, 0, half) }, { Self.items(pool, c, half, n) })
            return Self.ranks(Self.merged(a, b, pool, c))
        }
        return Self.ranks(Self.merged(Self.items(pool, c, 0, n), [], pool, c))
    }

    /// Bytes `offset ..< offset + 24` of text `s`'s key in collation `c`, and how far the key
    /// reaches (its length, or at least `offset + 24`): `key` and `scratch` are reused.
    @inline(__always)
    static func keyWindow(_ s: UnsafeRawBufferPointer, at offset: Int, _ c: Collation, _ codes: UnsafeBufferPointer<UInt16>,
                          _ words: UnsafeBufferPointer<UInt64>, _ lengths: UnsafeBufferPointer<UInt8>,
                          _ key: inout [UInt8], _ scratch: inout CollationKey.Scratch) -> CollationKey.Window {
        if c == .codepoint {
            return CollationKey.Window(words: (CollationKey.word(s, offset), CollationKey.word(s, offset + 8), CollationKey.word(s, offset + 16)),
                                       reach: s.count)
        }
        if let w = CollationKey.window(s, at: offset, codes, words, lengths) { return w }
        key.removeAll(keepingCapacity: true)
        CollationKey.append(s, to: &key, scratch: &scratch, stopAt: offset + 24)
        return key.withUnsafeBytes { kb in
            CollationKey.Window(words: (CollationKey.word(kb, offset), CollationKey.word(kb, offset + 8), CollationKey.word(kb, offset + 16)),
                                reach: kb.count)
        }
    }

    /// A text's whole key in collation `c`.
    static func wholeKey(_ s: UnsafeRawBufferPointer, _ c: Collation, _ scratch: inout CollationKey.Scratch) -> [UInt8] {
        if c == .codepoint { return Array(s) }
        var k: [UInt8] = []
        CollationKey.append(s, to: &k, scratch: &scratch)
        return k
    }

    /// Sort items: the first 24 bytes of a key (padded with zeros, big-endian) as three
    /// integers. Where they differ they decide as `memcmp` would (a zero pad is below every byte,
    /// and a key that ends inside them is a prefix of the other, which sorts first); only runs
    /// that tie on them are sorted by whole keys.
    struct Item { var a: UInt64; var b: UInt64; var c: UInt64; var id: Int32 }
    @inline(__always)
    static func less(_ x: Item, _ y: Item) -> Bool {
        x.a != y.a ? x.a < y.a : (x.b != y.b ? x.b < y.b : x.c < y.c)
    }
    @inline(__always)
    static func same(_ x: Item, _ y: Item) -> Bool { x.a == y.a && x.b == y.b && x.c == y.c }

    /// The sorted items of strings `lo ..< hi`.
    @Sendable static func items(_ pool: StringPool, _ c: Collation, _ lo: Int, _ hi: Int) -> [Item] {
        var scratch = CollationKey.Scratch()
        var key: [UInt8] = []
        key.reserveCapacity(256)
        var items = [Item]()
        items.reserveCapacity(hi - lo)
        CollationKey.withWindowTables { codes, words, lengths in
            pool.withStorage { bytes, starts in
                for i in lo..<hi {
                    let s = UnsafeRawBufferPointer(rebasing: bytes[Int(starts[i])..<Int(starts[i + 1])])
                    let w = keyWindow(s, at: 0, c, codes, words, lengths, &key, &scratch)
                    items.append(Item(a: w.words.0, b: w.words.1, c: w.words.2, id: Int32(i)))
                }
            }
        }
        items.sort(by: less)
        return items
    }

    /// String ids in key order: the parts' sorted items merged into ids (with a mark where an
    /// item ties with the one before), then the runs of ties ordered by the keys' next bytes.
    static func merged(_ l: [Item], _ r: [Item], _ pool: StringPool, _ c: Collation) -> [Int32] {
        let n = l.count + r.count
        var order = [Int32]()
        order.reserveCapacity(n)
        var tie = [Bool](repeating: false, count: n)
        var prev = Item(a: .max, b: .max, c: .max, id: -1)
        @inline(__always) func emit(_ x: Item) {
            if order.count > 0 && same(x, prev) { tie[order.count] = true }
            order.append(x.id)
            prev = x
        }
        var i = 0, j = 0
        while i < l.count && j < r.count {
            if less(r[j], l[i]) { emit(r[j]); j += 1 } else { emit(l[i]); i += 1 }
        }
        while i < l.count { emit(l[i]); i += 1 }
        while j < r.count { emit(r[j]); j += 1 }
        var runs: [Range<Int>] = []
        var tied = 0
        var s = 0
        while s < n {
            var e = s + 1
            while e < n && tie[e] { e += 1 }
            if e - s > 1 { runs.append(s..<e); tied += e - s }
            s = e
        }
        // The runs on two cores when there are many, split where half the tied ids are done.
        order.withUnsafeMutableBufferPointer { o in
            let ids = SendableIDs(base: o.baseAddress!)
            if tied >= 65_536 {
                var split = 0, seen = 0
                while split < runs.count && seen < tied / 2 { seen += runs[split].count; split += 1 }
                let first = Array(runs[..<split]), second = Array(runs[split...])
                _ = BackgroundWork.pair({ orderTies(ids, first, pool, c) }, { orderTies(ids, second, pool, c) })
            } else {
                orderTies(ids, runs, pool, c)
            }
        }
        return order
    }

    /// The ids of a buffer whose runs of ties are ordered on two threads: each run is a range of
    /// its own.
    struct SendableIDs: @unchecked Sendable { let base: UnsafeMutablePointer<Int32> }

    /// Orders each run of ids whose keys (in collation `c`) tie on their first 24 bytes: by the
    /// next 24 bytes (keys made again, up to them), then the runs still tied by the 24 after,
    /// and so on; a run whose keys all end before the bytes compared (strings that differ only
    /// by NUL bytes) is sorted by whole keys.
    @Sendable static func orderTies(_ ids: SendableIDs, _ runs: [Range<Int>], _ pool: StringPool, _ c: Collation) {
        var pending: [(range: Range<Int>, offset: Int)] = runs.map { ($0, 24) }
        var scratch = CollationKey.Scratch()
        var key: [UInt8] = []
        key.reserveCapacity(256)
        var items: [Item] = []
        CollationKey.withWindowTables { codes, words, lengths in
            while let (range, offset) = pending.popLast() {
                items.removeAll(keepingCapacity: true)
                var longest = 0
                for p in range {
                    let id = ids.base[p]
                    pool.withBytes(UInt32(id)) { s in
                        let w = keyWindow(s, at: offset, c, codes, words, lengths, &key, &scratch)
                        longest = max(longest, w.reach)
                        items.append(Item(a: w.words.0, b: w.words.1, c: w.words.2, id: id))
                    }
                }
                if longest <= offset {
                    // Keys equal as far as they go: whole keys, shorter first.
                    var keyed: [(key: [UInt8], id: Int32)] = items.map { x in
                        (pool.withBytes(UInt32(x.id)) { wholeKey($0, c, &scratch) }, x.id)
                    }
                    keyed.sort { x, y in x.key.withUnsafeBytes { p in y.key.withUnsafeBytes { q in CollationKey.compare(p, q) < 0 } } }
                    for (k, x) in keyed.enumerated() { ids.base[range.lowerBound + k] = x.id }
                    continue
                }
                items.sort(by: less)
                var s = 0
                while s < items.count {
                    ids.base[range.lowerBound + s] = items[s].id
                    var e = s + 1
                    while e < items.count && same(items[e], items[s]) { ids.base[range.lowerBound + e] = items[e].id; e += 1 }
                    if e - s > 1 { pending.append((range.lowerBound + s ..< range.lowerBound + e, offset + 24)) }
                    s = e
                }
            }
        }
    }

    static func ranks(_ order: [Int32]) -> [UInt32] {
        var r = [UInt32](repeating: 0, count: order.count)
        for (rank, id) in order.enumerated() { r[Int(id)] = UInt32(rank) }
        return r
    }

    /// The ranks of every string in one collation (fetch once, index in loops).
    func table(_ c: Collation) -> [UInt32] { c == .pinyin ? pinyin : codepoint }

    private var pinyinOrder: [UInt32]? = nil

    /// The string ids in pinyin order (rank → id), built on first use.
    var byPinyinRank: [UInt32] {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        if let o = pinyinOrder { return o }
        var o = [UInt32](repeating: 0, count: pinyin.count)
        o.withUnsafeMutableBufferPointer { o in
            for (id, rank) in pinyin.enumerated() { o[Int(rank)] = UInt32(id) }
        }
        pinyinOrder = o
        return o
    }

    /// Where a text (UTF-8) falls among the pool's strings in pinyin order: the number of strings whose
    /// key is below its key, and whether the string at that rank is the text itself (keys of
    /// different texts never tie). A binary search: about 20 keys at a million strings.
    func pinyinPlace(ofText text: [UInt8]) -> (below: Int, equal: Bool) {
        let key = CollationKey.key(String(decoding: text, as: UTF8.self))
        let order = byPinyinRank
        var lo = 0, hi = order.count
        var scratch: [UInt8] = []
        func keyCompare(_ id: UInt32) -> Int {
            scratch.removeAll(keepingCapacity: true)
            pool.withBytes(id) { CollationKey.append($0, to: &scratch) }
            return scratch.withUnsafeBytes { a in key.withUnsafeBytes { b in CollationKey.compare(a, b) } }
        }
        while lo < hi {
            let mid = (lo + hi) / 2
            if keyCompare(order[mid]) < 0 { lo = mid + 1 } else { hi = mid }
        }
        return (lo, lo < order.count && keyCompare(order[lo]) == 0)
    }
}

/// Each kind's entities in collation order of their names (per collation), built on first use
/// from the rank table and kept with the graph: `order by name limit N` and `order by recipient
/// limit N` walk it instead of ranking every row.
final class OrderedEntities: @unchecked Sendable {
    let g: FactGraph
    private var lists: [Int: [EntityID]] = [:]
    /// `head(ofKind:)`'s lists, kept until the whole order is made.
    private var heads: [Int: [EntityID]] = [:]
    private var mutex = pthread_mutex_t()

    init(_ g: FactGraph) {
        self.g = g
        pthread_mutex_init(&mutex, nil)
    }

    static func of(_ g: FactGraph) -> OrderedEntities { g.derived.value(OrderedEntities.self) { OrderedEntities(g) } }

    /// The first entities of kind `k` in collation order — about `want` of them, fewer when
    /// names share long beginnings — found without ranking every string of the graph: the
    /// first 8 key bytes of every name (two cores), the entities whose 8 bytes are below the
    /// `want`-th smallest, sorted by whole keys. Nothing outside can come before them, so the
    /// list is exactly the start of `entities(ofKind:)`. Nil when that list is at hand or cheap
    /// (a kind under 50,000, or the rank table built already): use it.
    func head(ofKind k: Int, _ c: Collation, want: Int) -> [EntityID]? {
        let slot = k * 2 + (c == .pinyin ? 0 : 1)
        pthread_mutex_lock(&mutex)
        let cached = lists[slot] != nil
        let head = heads[slot]
        pthread_mutex_unlock(&mutex)
        if let head, !cached { return head }
        let ents = g.kinds[k].entityOfRow
        if cached || ents.count < 50_000 || want > 4096 || CollationRankTable.isBuilt(g, c) { return nil }
        let pool = g.strings, names = g.entityName
        @Sendable func prefixes(_ lo: Int, _ hi: Int) -> [UInt64] {
            var out = [UInt64](repeating: 0, count: hi - lo)
            var scratch = CollationKey.Scratch()
            var key: [UInt8] = []
            key.reserveCapacity(64)
            Pinyin.codes.withUnsafeBufferPointer { codes in
                CollationKey.syllableWords.withUnsafeBufferPointer { words in
                    CollationKey.syllableLengths.withUnsafeBufferPointer { lengths in
                        for i in lo..<hi {
                            out[i - lo] = pool.withBytes(names[Int(ents[i])]) { p in
                                // Most names start with two syllables: their word straight away.
                                if c == .pinyin, let w = CollationKey.firstWordOfTwoSyllables(p, codes, words, lengths) { return w }
                                key.removeAll(keepingCapacity: true)
                                if c == .pinyin { CollationKey.append(p, to: &key, scratch: &scratch, stopAt: 8) } else { key.append(contentsOf: p.prefix(8)) }
                                return key.withUnsafeBytes { CollationKey.word($0, 0) }
                            }
                        }
                    }
                }
            }
            return out
        }
        let n = ents.count, half = n / 2
        let (first, second) = BackgroundWork.pair({ prefixes(0, half) }, { prefixes(half, n) })
        let pre = first + second
        // The want-th smallest prefix bounds the entities that surely come first.
        guard let bound = RowSorter.top(n, want, { pre[$0] < pre[$1] }).last.map({ pre[$0] }) else { return [] }
        var keyed: [(key: [UInt8], e: EntityID)] = []
        var scratch = CollationKey.Scratch()
        for i in 0..<n where pre[i] < bound {
            var key: [UInt8] = []
            pool.withBytes(names[Int(ents[i])]) { p in
                if c == .pinyin { CollationKey.append(p, to: &key, scratch: &scratch) } else { key.append(contentsOf: p) }
            }
            keyed.append((key, ents[i]))
        }
        keyed.sort { x, y in
            let r = x.key.withUnsafeBytes { p in y.key.withUnsafeBytes { q in CollationKey.compare(p, q) } }
            return r != 0 ? r < 0 : x.e < y.e
        }
        let list = keyed.map(\.e)
        pthread_mutex_lock(&mutex)
        heads[slot] = list
        pthread_mutex_unlock(&mutex)
        return list
    }

    func entities(ofKind k: Int, _ c: Collation) -> [EntityID] {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        let slot = k * 2 + (c == .pinyin ? 0 : 1)
        if let l = lists[slot] { return l }
        let ranks = CollationRankTable.of(g).table(c)
        let kind = g.kinds[k]
        // The entity on top, its name's rank below: sorted by the rank's bits alone.
        var keyed: [UInt64] = kind.entityOfRow.map { e in UInt64(e) << 32 | UInt64(ranks[Int(g.entityName[Int(e)])]) }
        RadixSort.sort(&keyed, bits: 64 - UInt64(max(ranks.count, 1)).leadingZeroBitCount)
        let l = keyed.map { EntityID(truncatingIfNeeded: $0 >> 32) }
        lists[slot] = l
        return l
    }

    /// Each entity's place among the names of kind `k` in collation order (0, 1, 2 …; entities
    /// of the same name share one), and the number of places: an order key of a kind's names
    /// that takes only the bits the kind needs (300 honors: 9), read with one lookup per row.
    struct Places {
        /// The place of entity `e` is `places[e - base]` (entities of kind `k` only).
        let places: [UInt32]
        let base: Int
        let count: Int
        @inline(__always) func place(_ e: UInt32) -> UInt32 { places[Int(e) &- base] }
    }

    private var placeTables: [Int: Places] = [:]

    func places(ofKind k: Int, _ c: Collation) -> Places {
        let slot = k * 2 + (c == .pinyin ? 0 : 1)
        pthread_mutex_lock(&mutex)
        if let p = placeTables[slot] { pthread_mutex_unlock(&mutex); return p }
        pthread_mutex_unlock(&mutex)
        let ordered = entities(ofKind: k, c)
        let ranks = CollationRankTable.of(g).table(c), names = g.entityName
        // Indexed from the kind's lowest entity id to its highest (a kind's entities are
        // numbered together when loaded), not over every entity of the graph.
        let low = Int(ordered.min() ?? 0), high = Int(ordered.max() ?? 0)
        var out = [UInt32](repeating: 0, count: ordered.isEmpty ? 0 : high - low + 1)
        var place: UInt32 = 0
        var last = UInt32.max
        out.withUnsafeMutableBufferPointer { o in
            for (i, e) in ordered.enumerated() {
                let r = ranks[Int(names[Int(e)])]
                if i > 0 && r != last { place += 1 }
                last = r
                o[Int(e) - low] = place
            }
        }
        let result = Places(places: out, base: low, count: ordered.isEmpty ? 0 : Int(place) + 1)
        pthread_mutex_lock(&mutex)
        placeTables[slot] = result
        pthread_mutex_unlock(&mutex)
        return result
    }
}
