import FactGraph

/// The pinyin of every Chinese name and alias of a graph, built once on first use (or on the
/// second core after a big load) and kept with the graph: `find jining`, `find jn`, completion
/// from pinyin and "did you mean" search it with `memmem` instead of converting names per query.
///
/// Two byte pools, one entry per key that has Chinese characters: the full toneless reading
/// (`jiningshi`) and the initials (`jns`), each entry followed by a 0 byte.
final class PinyinIndex: @unchecked Sendable {
    private(set) var full: [UInt8] = []
    private(set) var fullStart: [UInt32] = [0]
    private(set) var initials: [UInt8] = []
    private(set) var initialsStart: [UInt32] = [0]
    private(set) var owner: [EntityID] = []

    static func of(_ g: FactGraph) -> PinyinIndex { g.derived.value(PinyinIndex.self) { PinyinIndex(g) } }

    init(_ g: FactGraph) {
        let n = g.nameKeyCount
        // Two halves of the keys on two cores when there are many, joined in key order.
        var p: Part
        if n >= 65_536 {
            let (first, second) = BackgroundWork.pair({ Part(g, 0 ..< n / 2) }, { Part(g, n / 2 ..< n) })
            p = first
            p.append(second)
        } else {
            p = Part(g, 0 ..< n)
        }
        full = p.full
        initials = p.initials
        fullStart = p.fullStart
        initialsStart = p.initialsStart
        owner = p.owner
    }

    /// The readings of some of the keys.
    struct Part: Sendable {
        var full: [UInt8] = []
        var fullStart: [UInt32] = [0]
        var initials: [UInt8] = []
        var initialsStart: [UInt32] = [0]
        var owner: [EntityID] = []

        /// The readings that follow this part's, offsets moved past its bytes.
        mutating func append(_ next: Part) {
            let fb = UInt32(full.count), ib = UInt32(initials.count)
            full.append(contentsOf: next.full)
            initials.append(contentsOf: next.initials)
            fullStart.append(contentsOf: next.fullStart.dropFirst().lazy.map { $0 + fb })
            initialsStart.append(contentsOf: next.initialsStart.dropFirst().lazy.map { $0 + ib })
            owner.append(contentsOf: next.owner)
        }

        init(_ g: FactGraph, _ range: Range<Int>) {
            let codes = Pinyin.codes
            let flat = CollationKey.syllableFlat, flatStart = CollationKey.syllableStart
            // Local arrays, moved into the part at the end (appending to `self`'s from inside
            // the closure below would not compile in an initializer, and costs access checks).
            var full: [UInt8] = [], initials: [UInt8] = []
            var fullStart: [UInt32] = [0], initialsStart: [UInt32] = [0]
            var owner: [EntityID] = []
            full.reserveCapacity(range.count * 16)
            initials.reserveCapacity(range.count * 6)
            defer {
                self.full = full; self.initials = initials
                self.fullStart = fullStart; self.initialsStart = initialsStart
                self.owner = owner
            }
            g.forEachNameKey(in: range) { p, e in
                var i = 0
                let n = p.count
                var hasHan = false
                let f0 = full.count, i0 = initials.count
                var inRun = false
                while i < n {
                    let c = p[i]
                    if c < 0x80 {
                        let isAlnum = (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)
                        if isAlnum {
                            full.append(c)
                            if !inRun { initials.append(c) }
                        }
                        inRun = isAlnum
                        i += 1
                        continue
                    }
                    inRun = false
                    var v: UInt32 = 0
                    var len = 1
                    if c >= 0xE0 && c < 0xF0 && i + 2 < n {
                        v = UInt32(c & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F)
                        len = 3
                    } else if c >= 0xF0 { len = 4 } else if c >= 0xC0 { len = 2 }
                    if v >= PinyinTable.first && v <= PinyinTable.last {
                        let code = Int(codes[Int(v - PinyinTable.first)])
                        if code != 0 {
                            hasHan = true
                            let s = Int(flatStart[code]), end = Int(flatStart[code + 1])
                            for j in s..<end { full.append(flat[j]) }
                            initials.append(flat[s])
                        }
                    }
                    i += len
                }
                if hasHan {
                    full.append(0)
                    initials.append(0)
                    fullStart.append(UInt32(full.count))
                    initialsStart.append(UInt32(initials.count))
                    owner.append(e)
                } else {
                    full.removeSubrange(f0...)
                    initials.removeSubrange(i0...)
                }
            }
        }
    }

    /// Entities whose reading contains `query` (lower-case ASCII): `prefix` tells whether it is
    /// where the reading starts. Each entity once, at its best.
    func searchFull(_ query: [UInt8], _ body: (EntityID, _ prefix: Bool) -> Void) {
        Self.search(full, fullStart, owner, query, prefixOnly: false, body)
    }

    /// Entities whose initials start with `query`.
    func searchInitials(_ query: [UInt8], _ body: (EntityID, _ prefix: Bool) -> Void) {
        Self.search(initials, initialsStart, owner, query, prefixOnly: true, body)
    }

    static func search(_ pool: [UInt8], _ starts: [UInt32], _ owner: [EntityID], _ q: [UInt8], prefixOnly: Bool,
                       _ body: (EntityID, Bool) -> Void) {
        guard !q.isEmpty, !pool.isEmpty else { return }
        pool.withUnsafeBytes { hay in
            q.withUnsafeBytes { nd in
                let base = hay.baseAddress!
                var off = 0
                let total = hay.count
                while off + q.count <= total {
                    guard let p = c_memmem(base + off, total - off, nd.baseAddress!, q.count) else { break }
                    let pos = base.distance(to: p)
                    // The entry holding `pos`: the last start <= pos.
                    var lo = 0, hi = starts.count - 2
                    while lo < hi {
                        let mid = (lo + hi + 1) >> 1
                        if Int(starts[mid]) <= pos { lo = mid } else { hi = mid - 1 }
                    }
                    let isPrefix = pos == Int(starts[lo])
                    if !prefixOnly || isPrefix { body(owner[lo], isPrefix) }
                    off = Int(starts[lo + 1])   // next entry
                }
            }
        }
    }
}

/// glibc's `memmem`.
@_silgen_name("memmem")
func c_memmem(_ haystack: UnsafeRawPointer, _ haystackLength: Int, _ needle: UnsafeRawPointer, _ needleLength: Int) -> UnsafeRawPointer?
