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

    /// A 32-bit hash of the bytes (multiply-xorshift mixing in the spirit of wyhash / FxHash): 8
    /// bytes at a time, the last word loaded overlapping the one before it (the length is mixed in
    /// first, so there is no ambiguity), so there is no loop over single bytes. In memory only:
    /// nothing stores it, so it may change.
    @inline(__always)
    static func hash(_ p: UnsafeRawBufferPointer) -> UInt32 {
        let n = p.count
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: n)
        if let b = p.baseAddress {
            if n >= 8 {
                var i = 0
                while i + 8 < n {
                    h = (h ^ b.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
                    h ^= h >> 31
                    i += 8
                }
                h = (h ^ b.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) &* 0x94D0_49BB_1331_11EB
            } else if n >= 4 {
                let w = UInt64(b.loadUnaligned(as: UInt32.self)) | UInt64(b.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32
                h = (h ^ w) &* 0x94D0_49BB_1331_11EB
            } else if n > 0 {
                let w = UInt64(b.load(as: UInt8.self)) | UInt64(b.load(fromByteOffset: n >> 1, as: UInt8.self)) << 8
                    | UInt64(b.load(fromByteOffset: n - 1, as: UInt8.self)) << 16
                h = (h ^ w) &* 0x94D0_49BB_1331_11EB
            }
            h ^= h >> 29
        }
        h = (h ^ (h >> 32)) &* 0xD6E8_FEB8_6659_FD93
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
    public mutating func intern(_ p: UnsafeRawBufferPointer) -> UInt32 {
        let h = StringPool.hash(p)
        let (found, free) = find(p, h)
        if found >= 0 { return UInt32(found) }
        return add(p, h, slot: free)
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

    /// The byte length of string `id`.
    @inline(__always)
    public func length(_ id: UInt32) -> Int { Int(starts[Int(id) + 1] - starts[Int(id)]) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
