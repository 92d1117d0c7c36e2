/// Interned byte strings: each distinct UTF-8 byte sequence gets a dense `UInt32` id.
///
/// All text in the graph (names, aliases, text cells) is stored once here and referred to by
/// id, so columns are plain `[UInt32]` arrays and equality is integer comparison.
///
///     var pool = StringPool()
///     let a = pool.intern("济宁")      // 0
///     pool.intern("济宁") == a         // true
///     pool.string(a)                   // "济宁"
///
/// - Complexity: `intern` and `lookup` are O(length) expected; `string(_:)` is O(length).
public struct StringPool: Sendable {
    /// All strings' bytes, back to back.
    private(set) var bytes: [UInt8] = []
    /// `starts[i] ..< starts[i+1]` is string `i`'s byte range; `starts.count == count + 1`.
    private(set) var starts: [UInt32] = [0]
    /// Open-addressing table of `id + 1` (0 = empty slot), sized to a power of two.
    private var table: [UInt32] = Array(repeating: 0, count: 64)
    /// The hash of each string, so growing the table never rehashes bytes.
    private var hashes: [UInt32] = []

    public init() {}

    /// The number of distinct strings.
    public var count: Int { starts.count - 1 }

    /// Total bytes held (for memory reports).
    public var byteCount: Int { bytes.count }

    /// A 32-bit hash of the bytes, after wyhash (Wang Yi's, public domain): 16 bytes per
    /// 64×64→128-bit multiply, the last 16 loaded overlapping the ones before (the length is mixed
    /// in, so that is no ambiguity), no loop over single bytes. In memory only: nothing stores
    /// it, so it may change.
    /// - Complexity: O(n).
    @inline(__always)
    static func hash(_ p: UnsafeRawBufferPointer) -> UInt32 {
        @inline(__always) func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
            let r = a.multipliedFullWidth(by: b)
            return r.high ^ r.low
        }
        let s0: UInt64 = 0xA076_1D64_78BD_642F, s1: UInt64 = 0xE703_7ED1_A0B4_28DB
        let n = p.count
        var seed: UInt64 = 0x8EBC_6AF0_9C88_C6E3
        var a: UInt64 = 0, b: UInt64 = 0
        if let q = p.baseAddress {
            @inline(__always) func r8(_ i: Int) -> UInt64 { q.loadUnaligned(fromByteOffset: i, as: UInt64.self) }
            @inline(__always) func r4(_ i: Int) -> UInt64 { UInt64(q.loadUnaligned(fromByteOffset: i, as: UInt32.self)) }
            if n <= 16 {
                if n >= 4 {
                    let m = (n >> 3) << 2
                    a = r4(0) << 32 | r4(m)
                    b = r4(n - 4) << 32 | r4(n - 4 - m)
                } else if n > 0 {
                    a = UInt64(q.load(as: UInt8.self)) << 16 | UInt64(q.load(fromByteOffset: n >> 1, as: UInt8.self)) << 8
                        | UInt64(q.load(fromByteOffset: n - 1, as: UInt8.self))
                }
            } else {
                var i = 0
                while n - i > 16 {
                    seed = mix(r8(i) ^ s1, r8(i + 8) ^ seed)
                    i += 16
                }
                a = r8(n - 16)
                b = r8(n - 8)
            }
        }
        let r = (a ^ s1).multipliedFullWidth(by: b ^ seed)
        let h = mix(r.low ^ s0 ^ UInt64(truncatingIfNeeded: n), r.high ^ s1)
        return UInt32(truncatingIfNeeded: h ^ (h >> 32))
    }

    /// The id of these bytes if interned.
    public func lookup(_ p: UnsafeRawBufferPointer) -> UInt32? {
        let id = find(p, StringPool.hash(p)).id
        return id < 0 ? nil : UInt32(id)
    }

    /// The id of bytes `p` of hash `h` (or -1), and the empty slot where they would go.
    /// Unchecked access: the table holds only valid ids, and `starts` has `count + 1` entries.
    @inline(__always)
    private func find(_ p: UnsafeRawBufferPointer, _ h: UInt32) -> (id: Int, slot: Int) {
        table.withUnsafeBufferPointer { t in
            hashes.withUnsafeBufferPointer { hs in
                starts.withUnsafeBufferPointer { st in
                    bytes.withUnsafeBufferPointer { by in
                        let mask = t.count - 1
                        var slot = Int(h) & mask
                        while true {
                            let v = t[slot]
                            if v == 0 { return (-1, slot) }
                            let id = Int(v &- 1)
                            if hs[id] == h {
                                let s = Int(st[id]), e = Int(st[id + 1])
                                if e - s == p.count && (p.count == 0 || CSVBytes.equal(by.baseAddress! + s, p)) { return (id, slot) }
                            }
                            slot = (slot + 1) & mask
                        }
                    }
                }
            }
        }
    }

    public func lookup(_ s: String) -> UInt32? {
        var s = s
        return s.withUTF8 { lookup(UnsafeRawBufferPointer($0)) }
    }

    /// Interns these bytes, returning their id.
    @discardableResult
    public mutating func intern(_ p: UnsafeRawBufferPointer) -> UInt32 { intern(p, hash: StringPool.hash(p)) }

    /// Interns bytes whose `StringPool.hash` the caller has computed already.
    @inline(__always)
    mutating func intern(_ p: UnsafeRawBufferPointer, hash h: UInt32) -> UInt32 {
        let (found, free) = find(p, h)
        if found >= 0 { return UInt32(found) }
        return add(p, h, slot: free)
    }

    /// Reads the home slot of hash `h`: a load whose result nobody waits for, so that a batch of
    /// them brings the slots of the strings about to be interned into cache at the same time.
    @inline(__always)
    func touch(hash h: UInt32) -> UInt32 {
        table.withUnsafeBufferPointer { t in t[Int(h) & (t.count - 1)] }
    }

    /// Appends a new string of hash `h`, whose empty slot in the current table is `free`.
    private mutating func add(_ p: UnsafeRawBufferPointer, _ h: UInt32, slot free: Int) -> UInt32 {
        let id = UInt32(count)
        bytes.append(contentsOf: p)
        starts.append(UInt32(bytes.count))
        hashes.append(h)
        var slot = free
        if (count + 1) * 2 > table.count {
            grow()
            let mask = table.count - 1
            slot = Int(h) & mask
            while table[slot] != 0 { slot = (slot + 1) & mask }
        }
        table[slot] = id + 1
        return id
    }

    @discardableResult
    public mutating func intern(_ s: String) -> UInt32 {
        var s = s
        return s.withUTF8 { intern(UnsafeRawBufferPointer($0)) }
    }

    /// Reserve room for about `n` more strings of `bytesEach` bytes.
    public mutating func reserve(strings n: Int, bytesEach: Int) {
        reserve(strings: n, bytes: n * bytesEach)
    }

    /// Reserve room for `n` more strings of `total` bytes in all.
    public mutating func reserve(strings n: Int, bytes total: Int) {
        bytes.reserveCapacity(bytes.count + total)
        starts.reserveCapacity(starts.count + n)
        hashes.reserveCapacity(hashes.count + n)
        var size = table.count
        while (count + n) * 2 > size { size *= 2 }
        if size != table.count { rebuild(size: size) }
    }

    /// The room reserved for the bytes, offsets and hashes of strings to come (`CSVPrefault`).
    mutating func reservedRegions() -> [CSVPrefault.Region] {
        [CSVPrefault.region(&bytes), CSVPrefault.region(&starts), CSVPrefault.region(&hashes)]
    }

    private mutating func grow() { rebuild(size: table.count * 2) }

    private mutating func rebuild(size: Int) {
        var t = [UInt32](repeating: 0, count: size)
        let mask = size - 1
        for id in 0..<count {
            var slot = Int(hashes[id]) & mask
            while t[slot] != 0 { slot = (slot + 1) & mask }
            t[slot] = UInt32(id + 1)
        }
        table = t
    }

    /// The string with this id.
    public func string(_ id: UInt32) -> String {
        let s = Int(starts[Int(id)]), e = Int(starts[Int(id) + 1])
        return String(decoding: bytes[s..<e], as: UTF8.self)
    }

    /// Calls `body` with the bytes of string `id`.
    @inline(__always)
    public func withBytes<R>(_ id: UInt32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let s = Int(starts[Int(id)]), e = Int(starts[Int(id) + 1])
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[s..<e])) }
    }

    /// Calls `body` with every string's bytes back to back and the start offsets
    /// (`starts[i] ..< starts[i+1]` is string `i`), for passes over the whole pool.
    public func withStorage<R>(_ body: (UnsafeRawBufferPointer, UnsafeBufferPointer<UInt32>) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { b in try starts.withUnsafeBufferPointer { s in try body(b, s) } }
    }

    /// Calls `body` with the hash of every string (by id), for indexes built over the pool.
    func withHashes<R>(_ body: (UnsafeBufferPointer<UInt32>) throws -> R) rethrows -> R {
        try hashes.withUnsafeBufferPointer(body)
    }

    /// The first string whose bytes start at or after byte `offset` of the pool (`count` if
    /// none): where to split the pool into parts of about equal bytes.
    public func firstID(startingAtOrAfter offset: Int) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let m = (lo + hi) / 2
            if Int(starts[m]) < offset { lo = m + 1 } else { hi = m }
        }
        return lo
    }

    /// The byte offset where string `id` starts (`byteCount` for `count`).
    public func start(of id: Int) -> Int { Int(starts[id]) }

    /// The byte length of string `id`.
    @inline(__always)
    public func length(_ id: UInt32) -> Int { Int(starts[Int(id) + 1] - starts[Int(id)]) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
