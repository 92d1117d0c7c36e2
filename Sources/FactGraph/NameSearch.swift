/// glibc's `memmem` (a GNU extension the Glibc module does not export): the first occurrence of
/// a byte string in another, with a vectorised two-way search.
@_silgen_name("memmem")
func c_memmem(_ haystack: UnsafeRawPointer, _ haystackLength: Int, _ needle: UnsafeRawPointer, _ needleLength: Int) -> UnsafeRawPointer?

/// A set of entities as a bitset over entity ids.
public struct EntitySet: Sendable, Hashable {
    var words: [UInt64]
    public private(set) var count: Int = 0

    public init(capacity: Int) { words = [UInt64](repeating: 0, count: (capacity + 63) / 64) }

    @inline(__always)
    public func contains(_ e: EntityID) -> Bool {
        let w = Int(e) >> 6
        return w < words.count && words[w] & (1 << (UInt64(e) & 63)) != 0
    }

    @inline(__always)
    public mutating func insert(_ e: EntityID) {
        let w = Int(e) >> 6, bit: UInt64 = 1 << (UInt64(e) & 63)
        if words[w] & bit == 0 { words[w] |= bit; count += 1 }
    }

    /// Adds the members of `other` (of the same capacity).
    public mutating func formUnion(_ other: EntitySet) {
        var n = 0
        words.withUnsafeMutableBufferPointer { w in
            other.words.withUnsafeBufferPointer { o in
                for i in 0..<min(w.count, o.count) {
                    w[i] |= o[i]
                    n += w[i].nonzeroBitCount
                }
                for i in min(w.count, o.count)..<w.count { n += w[i].nonzeroBitCount }
            }
        }
        count = n
    }

    /// The members in increasing order.
    public func forEach(_ body: (EntityID) -> Void) {
        forEach(inWords: 0..<words.count, body)
    }

    /// The words of the bitset (64 entities each: word `i` holds entities `64 i ..< 64 i + 64`).
    public var wordCount: Int { words.count }

    /// The members in words `range`, in increasing order (a part of the set for one core).
    public func forEach(inWords range: Range<Int>, _ body: (EntityID) -> Void) {
        words.withUnsafeBufferPointer { words in
            for i in range {
                var w = words[i]
                while w != 0 {
                    let b = w.trailingZeroBitCount
                    body(EntityID(i * 64 + b))
                    w &= w - 1
                }
            }
        }
    }
}

extension FactGraph {
    /// Entities whose name or an alias contains `text` (ASCII letters case-insensitively).
    ///
    /// Scans the string pool's bytes once with `memmem` — every normalized name and alias is a
    /// string there, among the other texts — and maps each hit to its string, so no string is
    /// built per entity. Hits in strings that are no key (text cells, names as written with
    /// upper-case letters, whose lower-cased key is a string of its own) are passed over.
    /// - Complexity: O(total bytes of the string pool), plus O(log n) per match.
    public func entitiesWithName(containing text: String) -> EntitySet {
        var set = EntitySet(capacity: entityCount)
        guard let hits = keyHits(text) else {
            for e in 0..<entityCount { set.insert(EntityID(e)) }
            return set
        }
        for s in hits { if let e = entity(ofKeyString: s) { set.insert(e) } }
        return set
    }

    /// Entities whose name (not an alias) contains `text`, ASCII letters case-insensitively:
    /// a hit in a name that is its own key is taken as it is; a hit in an alias, or in the
    /// lower-cased key of a name with capitals, is checked against the name.
    public func entitiesWhoseName(contains text: String) -> EntitySet {
        var set = EntitySet(capacity: entityCount)
        guard let hits = keyHits(text) else {
            for e in 0..<entityCount { set.insert(EntityID(e)) }
            return set
        }
        var needle = Array(text.utf8)
        Self.normalizeKey(&needle)
        for s in hits {
            guard let e = entity(ofKeyString: s), !set.contains(e) else { continue }
            let name = entityName[Int(e)]
            if name == s || strings.withBytes(name, { Self.containsFolded($0, needle) }) { set.insert(e) }
        }
        return set
    }

    /// Whether `hay` contains `needle` (already lower-cased), ASCII letters case-insensitively.
    static func containsFolded(_ hay: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
        let n = needle.count, h = hay.count
        if n == 0 { return true }
        if n > h { return false }
        @inline(__always) func low(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }
        for i in 0...(h - n) {
            var j = 0
            while j < n && low(hay[i + j]) == needle[j] { j += 1 }
            if j == n { return true }
        }
        return false
    }

    /// The pool's strings holding `text` (ASCII letters lower-cased) whole, or nil for an
    /// empty text. The pool's bytes are split at a string's start and searched with `memmem`
    /// on two cores when big.
    func keyHits(_ text: String) -> [UInt32]? {
        var key = Array(text.utf8)
        Self.normalizeKey(&key)
        let needle = key
        let n = needle.count
        if n == 0 { return nil }
        let pool = strings
        // A text with an ASCII byte can only be in a string that has one: in a graph of Chinese
        // names those are few (Latin aliases, texts with digits), and searching them alone
        // spares a pass over every byte (two-letter pieces of a did-you-mean, at a million
        // names, took 10 ms each).
        if needle.contains(where: { $0 < 0x80 }) {
            let ascii = asciiStrings
            if ascii.ids.count <= pool.count / 8 {
                var hits: [UInt32] = []
                pool.withStorage { hay, starts in
                    guard let base = hay.baseAddress else { return }
                    needle.withUnsafeBytes { nd in
                        for s in ascii.ids {
                            let a = Int(starts[Int(s)]), b = Int(starts[Int(s) + 1])
                            if b - a >= n && c_memmem(base + a, b - a, nd.baseAddress!, n) != nil { hits.append(s) }
                        }
                    }
                }
                return hits
            }
        }
        @Sendable func search(_ from: Int, _ to: Int) -> [UInt32] {
            var hits: [UInt32] = []
            pool.withStorage { hay, starts in
                guard let base = hay.baseAddress else { return }
                let count = starts.count - 1
                // The string holding byte `pos`: the last start <= pos, searched forward from
                // the previous hit's string (hits come in order) by doubling steps, then halving.
                var s = pool.firstID(startingAtOrAfter: from + 1) - 1
                @inline(__always) func holder(_ pos: Int) -> Int {
                    var lo = s, hi = s + 1, step = 1
                    while hi < count && Int(starts[hi]) <= pos { lo = hi; step <<= 1; hi = lo + step }
                    if hi > count { hi = count }
                    while hi - lo > 1 {
                        let m = (lo + hi) >> 1
                        if Int(starts[m]) <= pos { lo = m } else { hi = m }
                    }
                    return lo
                }
                needle.withUnsafeBytes { nd in
                    var off = from
                    while off + n <= to {
                        guard let p = c_memmem(base + off, to - off, nd.baseAddress!, n) else { break }
                        let pos = base.distance(to: p)
                        s = holder(pos)
                        let end = Int(starts[s + 1])
                        if pos + n <= end {
                            hits.append(UInt32(s))
                            off = end          // this string matched; go on with the next
                        } else {
                            off = pos + 1      // the hit spans two strings
                        }
                    }
                }
            }
            return hits
        }
        // Big pools in two parts split at a string's start, searched on two cores.
        let total = strings.byteCount
        if total < 1 << 22 { return search(0, total) }
        let split = strings.start(of: strings.firstID(startingAtOrAfter: total / 2))
        let (first, second) = BackgroundWork.pair({ search(0, split) }, { search(split, total) })
        return first + second
    }
}

extension FactGraph {
    /// Calls `body(bytes, entity)` for every name and alias key (ASCII letters lower-cased), in
    /// key order: the raw material of indexes the query layer derives (pinyin).
    public func forEachNameKey(_ body: (UnsafeRawBufferPointer, EntityID) -> Void) {
        forEachNameKey(in: 0..<keyStrings.count, body)
    }

    /// `forEachNameKey` over the keys `range` of `0 ..< nameKeyCount` only (for building an
    /// index in parts, on several cores).
    public func forEachNameKey(in range: Range<Int>, _ body: (UnsafeRawBufferPointer, EntityID) -> Void) {
        strings.withStorage { bytes, starts in
            for s in keyStrings[range] {
                body(UnsafeRawBufferPointer(rebasing: bytes[Int(starts[Int(s)])..<Int(starts[Int(s) + 1])]), entityOfString[Int(s)])
            }
        }
    }

    /// The number of name and alias keys.
    public var nameKeyCount: Int { keyStrings.count }

    /// The UTF-8 bytes of the keys `range` of `0 ..< nameKeyCount`, all together.
    public func nameKeyBytes(in range: Range<Int>) -> Int {
        strings.withStorage { _, starts in
            var total = 0
            for s in keyStrings[range] { total += Int(starts[Int(s) + 1] - starts[Int(s)]) }
            return total
        }
    }
}

/// The ids of a string pool's strings that hold an ASCII byte (see `FactGraph.keyHits`).
final class ASCIIStrings: @unchecked Sendable {
    let ids: [UInt32]
    /// The pool's string count when they were listed (a pool that grew is listed again).
    let poolCount: Int

    init(_ pool: StringPool) {
        var ids: [UInt32] = []
        pool.withStorage { hay, starts in
            guard let base = hay.baseAddress else { return }
            for s in 0..<(starts.count - 1) {
                let b = Int(starts[s + 1])
                var i = Int(starts[s]), found = false
                // Eight bytes at a time: a byte below 0x80 clears its top bit.
                while i + 8 <= b {
                    if base.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0x8080_8080_8080_8080 { found = true; break }
                    i += 8
                }
                while !found && i < b {
                    if base.load(fromByteOffset: i, as: UInt8.self) < 0x80 { found = true }
                    i += 1
                }
                if found { ids.append(UInt32(s)) }
            }
        }
        self.ids = ids
        poolCount = pool.count
    }
}

extension FactGraph {
    /// The strings with an ASCII byte, listed on first use and kept.
    var asciiStrings: ASCIIStrings {
        let a = derived.value(ASCIIStrings.self) { ASCIIStrings(strings) }
        return a.poolCount == strings.count ? a : ASCIIStrings(strings)
    }

    /// Lists what name searches read ahead of the first search (on the second core after a big
    /// load, while the user types).
    public func prepareNameSearch() { _ = asciiStrings }
}

