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

    @inline(__always)
    static func hash(_ p: UnsafeRawBufferPointer) -> UInt32 {
        // 8 bytes at a time, multiply-xorshift mixing (in the spirit of wyhash / FxHash).
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(p.count)
        var i = 0
        let n = p.count
        while i + 8 <= n {
            let w = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        if i < n {
            var w: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                w |= UInt64(p[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ w) &* 0x94D0_49BB_1331_11EB
            h ^= h >> 29
        }
        h = (h ^ (h >> 32)) &* 0xD6E8_FEB8_6659_FD93
        return UInt32(truncatingIfNeeded: h ^ (h >> 32))
    }

    @inline(__always)
    private func equals(_ id: Int, _ p: UnsafeRawBufferPointer) -> Bool {
        let s = Int(starts[id]), e = Int(starts[id + 1])
        if e - s != p.count { return false }
        if p.count == 0 { return true }
        return bytes.withUnsafeBufferPointer { b in
            memcmp(b.baseAddress! + s, p.baseAddress!, p.count) == 0
        }
    }

    /// The id of these bytes if interned.
    public func lookup(_ p: UnsafeRawBufferPointer) -> UInt32? {
        let h = StringPool.hash(p)
        let mask = table.count - 1
        var slot = Int(h) & mask
        while true {
            let v = table[slot]
            if v == 0 { return nil }
            let id = Int(v - 1)
            if hashes[id] == h && equals(id, p) { return UInt32(id) }
            slot = (slot + 1) & mask
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
        var mask = table.count - 1
        var slot = Int(h) & mask
        while true {
            let v = table[slot]
            if v == 0 { break }
            let id = Int(v - 1)
            if hashes[id] == h && equals(id, p) { return UInt32(id) }
            slot = (slot + 1) & mask
        }
        let id = UInt32(count)
        bytes.append(contentsOf: p)
        starts.append(UInt32(bytes.count))
        hashes.append(h)
        if (count + 1) * 2 > table.count {
            grow()
            mask = table.count - 1
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
        bytes.reserveCapacity(bytes.count + n * bytesEach)
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

    /// The byte length of string `id`.
    @inline(__always)
    public func length(_ id: UInt32) -> Int { Int(starts[Int(id) + 1] - starts[Int(id)]) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
