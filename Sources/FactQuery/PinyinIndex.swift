import FactGraph
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The pinyin of every Chinese name and alias of a graph, built once on first use (or on the
/// second core after a big load) and kept with the graph: `find jining`, `find jn`, completion
/// from pinyin and "did you mean" search it with `memmem` instead of converting names per query.
///
/// Two byte pools, one entry per key that has Chinese characters: the full toneless reading
/// (`jiningshi`) and the initials (`jns`), each entry followed by a 0 byte.
final class PinyinIndex: @unchecked Sendable {
    /// The readings in key order, in one part or (on a big graph) two built side by side; the
    /// parts are searched one after the other rather than copied into one.
    private let parts: [Part]

    static func of(_ g: FactGraph) -> PinyinIndex { g.derived.value(PinyinIndex.self) { PinyinIndex(g) } }

    init(_ g: FactGraph) {
        let n = g.nameKeyCount
        if n >= 65_536 {
            let (first, second) = BackgroundWork.pair({ Part(g, 0 ..< n / 2) }, { Part(g, n / 2 ..< n) })
            parts = [first, second]
        } else {
            parts = [Part(g, 0 ..< n)]
        }
    }

    /// The readings of some of the keys.
    struct Part: Sendable {
        let full: [UInt8]
        let fullStart: [UInt32]
        let initials: [UInt8]
        let initialsStart: [UInt32]
        let owner: [EntityID]

        init(_ g: FactGraph, _ range: Range<Int>) {
            // Written through pointers into room for the worst case: a Han character (3 bytes)
            // reads as at most 6 letters and 1 initial, other bytes give at most one of each, and
            // each entry ends in a 0. Room that is never written is never touched, so costs no memory.
            let bytes = g.nameKeyBytes(in: range)
            let keys = range.count
            var fullUsed = 0, initialsUsed = 0, entries = 0
            var fullStart: [UInt32] = [], initialsStart: [UInt32] = [], owner: [EntityID] = []
            var initials: [UInt8] = []
            // (8 bytes more: a syllable is written as one 8-byte word.)
            let full = [UInt8](unsafeUninitializedCapacity: 2 * bytes + keys + 1 + 8) { fb, fullCount in
                initials = [UInt8](unsafeUninitializedCapacity: bytes + keys + 1) { ib, initialsCount in
                    fullStart = [UInt32](unsafeUninitializedCapacity: keys + 1) { fs, fsCount in
                        initialsStart = [UInt32](unsafeUninitializedCapacity: keys + 1) { iss, issCount in
                            owner = [EntityID](unsafeUninitializedCapacity: keys) { ow, owCount in
                                Pinyin.codes.withUnsafeBufferPointer { codes in
                                    CollationKey.syllableWords.withUnsafeBufferPointer { words in
                                        CollationKey.syllableLengths.withUnsafeBufferPointer { lengths in
                                            let f = fb.baseAddress!, ini = ib.baseAddress!
                                            var fo = 0, io = 0, count = 0
                                            fs[0] = 0; iss[0] = 0
                                            g.forEachNameKey(in: range) { p, e in
                                                let f0 = fo, i0 = io
                                                var i = 0
                                                let n = p.count
                                                var hasHan = false, inRun = false
                                                while i < n {
                                                    let c = p[i]
                                                    if c < 0x80 {
                                                        let isAlnum = (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)
                                                        if isAlnum {
                                                            f[fo] = c; fo += 1
                                                            if !inRun { ini[io] = c; io += 1 }
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
                                                            let w = words[code]
                                                            UnsafeMutableRawPointer(f + fo).storeBytes(of: w.littleEndian, as: UInt64.self)
                                                            fo += Int(lengths[code])
                                                            ini[io] = UInt8(truncatingIfNeeded: w); io += 1
                                                        }
                                                    }
                                                    i += len
                                                }
                                                if hasHan {
                                                    f[fo] = 0; fo += 1
                                                    ini[io] = 0; io += 1
                                                    count += 1
                                                    fs[count] = UInt32(fo)
                                                    iss[count] = UInt32(io)
                                                    ow[count - 1] = e
                                                } else {
                                                    fo = f0; io = i0
                                                }
                                            }
                                            fullUsed = fo; initialsUsed = io; entries = count
                                        }
                                    }
                                }
                                owCount = entries
                            }
                            issCount = entries + 1
                        }
                        fsCount = entries + 1
                    }
                    initialsCount = initialsUsed
                }
                fullCount = fullUsed
            }
            self.full = full
            self.initials = initials
            self.fullStart = fullStart
            self.initialsStart = initialsStart
            self.owner = owner
        }
    }

    /// Entities whose reading contains `query` (lower-case ASCII): `prefix` tells whether it is
    /// where the reading starts. Each entity once, at its best.
    func searchFull(_ query: [UInt8], _ body: (EntityID, _ prefix: Bool) -> Void) {
        if parts.count == 2 {
            // The two parts on two cores, their finds handed on in order.
            let (a, b) = (parts[0], parts[1])
            let (first, second) = BackgroundWork.pair({ Self.found(a, query) }, { Self.found(b, query) })
            for (e, prefix) in first { body(e, prefix) }
            for (e, prefix) in second { body(e, prefix) }
            return
        }
        for p in parts { Self.search(p.full, p.fullStart, p.owner, query, body) }
    }

    /// `searchFull` of one part, as a list.
    private static func found(_ p: Part, _ query: [UInt8]) -> [(EntityID, Bool)] {
        var out: [(EntityID, Bool)] = []
        search(p.full, p.fullStart, p.owner, query) { out.append(($0, $1)) }
        return out
    }

    /// Entities whose reading starts with `query`: each entry's first bytes compared, not a
    /// search through all the bytes (milliseconds at a million names, where a search for letters
    /// common in pinyin stops everywhere).
    func searchFullPrefixes(_ query: [UInt8], _ body: (EntityID, _ prefix: Bool) -> Void) {
        for p in parts { Self.prefixes(p.full, p.fullStart, p.owner, query, body) }
    }

    /// Entities whose initials start with `query`: each entry's first bytes compared (a search
    /// through the bytes would stop at every place the letters occur, most not at a start).
    func searchInitials(_ query: [UInt8], _ body: (EntityID, _ prefix: Bool) -> Void) {
        for p in parts { Self.prefixes(p.initials, p.initialsStart, p.owner, query, body) }
    }

    /// The owners of the entries of `pool` that start with `q`, in entry order.
    static func prefixes(_ pool: [UInt8], _ starts: [UInt32], _ owner: [EntityID], _ q: [UInt8], _ body: (EntityID, Bool) -> Void) {
        guard !q.isEmpty, starts.count > 1 else { return }
        pool.withUnsafeBytes { hay in
            q.withUnsafeBytes { nd in
                let base = hay.baseAddress!, needle = nd.baseAddress!
                let m = q.count, first = q[0]
                starts.withUnsafeBufferPointer { st in
                    for i in 0..<(st.count - 1) {
                        let s = Int(st[i])
                        // Each entry is followed by a 0 byte.
                        guard Int(st[i + 1]) - 1 - s >= m, hay[s] == first, memcmp(base + s, needle, m) == 0 else { continue }
                        body(owner[i], true)
                    }
                }
            }
        }
    }

    static func search(_ pool: [UInt8], _ starts: [UInt32], _ owner: [EntityID], _ q: [UInt8],
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
                    body(owner[lo], isPrefix)
                    off = Int(starts[lo + 1])   // next entry
                }
            }
        }
    }
}

/// glibc's `memmem`.
@_silgen_name("memmem")
func c_memmem(_ haystack: UnsafeRawPointer, _ haystackLength: Int, _ needle: UnsafeRawPointer, _ needleLength: Int) -> UnsafeRawPointer?
