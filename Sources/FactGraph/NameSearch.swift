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

    /// The members in increasing order.
    public func forEach(_ body: (EntityID) -> Void) {
        for (i, var w) in words.enumerated() {
            while w != 0 {
                let b = w.trailingZeroBitCount
                body(EntityID(i * 64 + b))
                w &= w - 1
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
        var needle = Array(text.utf8)
        Self.normalizeKey(&needle)
        let n = needle.count
        if n == 0 {
            for e in 0..<entityCount { set.insert(EntityID(e)) }
            return set
        }
        strings.withStorage { hay, starts in
            guard let base = hay.baseAddress else { return }
            needle.withUnsafeBytes { nd in
                var off = 0
                let total = hay.count
                while off + n <= total {
                    guard let p = c_memmem(base + off, total - off, nd.baseAddress!, n) else { break }
                    let pos = base.distance(to: p)
                    // The string holding byte `pos`: the last start <= pos.
                    var lo = 0, hi = starts.count - 1
                    while lo < hi {
                        let mid = (lo + hi + 1) >> 1
                        if Int(starts[mid]) <= pos { lo = mid } else { hi = mid - 1 }
                    }
                    let end = Int(starts[lo + 1])
                    if pos + n <= end {
                        if let e = entity(ofKeyString: UInt32(lo)) { set.insert(e) }
                        off = end          // this string matched; go on with the next
                    } else {
                        off = pos + 1      // the hit spans two strings
                    }
                }
            }
        }
        return set
    }
}

extension FactGraph {
    /// Calls `body(bytes, entity)` for every name and alias key (ASCII letters lower-cased), in
    /// key order: the raw material of indexes the query layer derives (pinyin).
    public func forEachNameKey(_ body: (UnsafeRawBufferPointer, EntityID) -> Void) {
        strings.withStorage { bytes, starts in
            for s in keyStrings {
                body(UnsafeRawBufferPointer(rebasing: bytes[Int(starts[Int(s)])..<Int(starts[Int(s) + 1])]), entityOfString[Int(s)])
            }
        }
    }

    /// The number of name and alias keys.
    public var nameKeyCount: Int { keyStrings.count }
}
