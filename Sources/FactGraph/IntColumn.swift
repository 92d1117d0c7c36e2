/// A column of whole numbers or dates, stored as narrow as its values allow: 2, 4 or 8 bytes a
/// row. Years and editions take 2 bytes a row instead of 8; at a million enterprises (five
/// million awards) the two columns take 20 MB instead of 80. Readers see `Int64`s and
/// `Null.int` for a missing value; narrow storage marks one with its type's smallest value.
///
/// Setting or appending a value that does not fit widens the column (at most twice).
/// Tight loops switch on `storage` once and run a generic loop over the stored type.
public struct IntColumn: Sendable, RandomAccessCollection {
    public enum Storage: Sendable {
        case i16([Int16])
        case i32([Int32])
        case i64([Int64])
    }
    public private(set) var storage: Storage

    /// The narrowest storage for `values`.
    public init(_ values: [Int64]) {
        var lo = Int64.max, hi = Int64.min
        for v in values where v != Null.int {
            lo = Swift.min(lo, v)
            hi = Swift.max(hi, v)
        }
        if lo > hi || (lo > Int64(Int16.min) && hi <= Int64(Int16.max)) {
            storage = .i16(values.map { $0 == Null.int ? Int16.min : Int16(truncatingIfNeeded: $0) })
        } else if lo > Int64(Int32.min) && hi <= Int64(Int32.max) {
            storage = .i32(values.map { $0 == Null.int ? Int32.min : Int32(truncatingIfNeeded: $0) })
        } else {
            storage = .i64(values)
        }
    }

    /// The narrowest storage for the values of `parts`, one after the other; each part is
    /// emptied once copied, so that at most one part's 8-byte values are held beside the
    /// narrow column (a CSV file's parts, scanned on two cores, join here).
    public init(parts: inout [[Int64]]) {
        var lo = Int64.max, hi = Int64.min, total = 0
        for p in parts {
            total += p.count
            for v in p where v != Null.int {
                lo = Swift.min(lo, v)
                hi = Swift.max(hi, v)
            }
        }
        func narrow<T: FixedWidthInteger>(_: T.Type, _ null: T) -> [T] {
            [T](unsafeUninitializedCapacity: total) { buffer, count in
                var at = 0
                for j in parts.indices {
                    parts[j].withUnsafeBufferPointer { p in
                        for v in p {
                            buffer[at] = v == Null.int ? null : T(truncatingIfNeeded: v)
                            at += 1
                        }
                    }
                    parts[j] = []
                }
                count = at
            }
        }
        if lo > hi || (lo > Int64(Int16.min) && hi <= Int64(Int16.max)) {
            storage = .i16(narrow(Int16.self, .min))
        } else if lo > Int64(Int32.min) && hi <= Int64(Int32.max) {
            storage = .i32(narrow(Int32.self, .min))
        } else if parts.count == 1 {
            storage = .i64(parts[0])
            parts[0] = []
        } else {
            storage = .i64(narrow(Int64.self, Null.int))
        }
    }

    /// `count` missing values.
    public init(nulls count: Int) {
        storage = .i16([Int16](repeating: .min, count: count))
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int {
        switch storage {
        case .i16(let a): return a.count
        case .i32(let a): return a.count
        case .i64(let a): return a.count
        }
    }

    /// Bytes per row.
    public var width: Int {
        switch storage {
        case .i16: return 2
        case .i32: return 4
        case .i64: return 8
        }
    }

    @inline(__always)
    public subscript(_ i: Int) -> Int64 {
        switch storage {
        case .i16(let a): let v = a[i]; return v == .min ? Null.int : Int64(v)
        case .i32(let a): let v = a[i]; return v == .min ? Null.int : Int64(v)
        case .i64(let a): return a[i]
        }
    }

    /// Whether `v` fits the storage (missing values always do).
    func fits(_ v: Int64) -> Bool {
        if v == Null.int { return true }
        switch storage {
        case .i16: return v > Int64(Int16.min) && v <= Int64(Int16.max)
        case .i32: return v > Int64(Int32.min) && v <= Int64(Int32.max)
        case .i64: return true
        }
    }

    /// Storage wide enough for `v`.
    mutating func widen(for v: Int64) {
        guard !fits(v) else { return }
        let all = Array(self)
        if v > Int64(Int32.min) && v <= Int64(Int32.max), case .i16 = storage {
            storage = .i32(all.map { $0 == Null.int ? Int32.min : Int32(truncatingIfNeeded: $0) })
        } else {
            storage = .i64(all)
        }
    }

    mutating func set(_ i: Int, _ v: Int64) {
        widen(for: v)
        switch storage {
        case .i16(var a):
            storage = .i64([])   // (releases the array for an in-place write)
            a[i] = v == Null.int ? .min : Int16(truncatingIfNeeded: v)
            storage = .i16(a)
        case .i32(var a):
            storage = .i64([])
            a[i] = v == Null.int ? .min : Int32(truncatingIfNeeded: v)
            storage = .i32(a)
        case .i64(var a):
            storage = .i64([])
            a[i] = v
            storage = .i64(a)
        }
    }

    mutating func append(_ v: Int64) {
        widen(for: v)
        switch storage {
        case .i16(var a):
            storage = .i64([])
            a.append(v == Null.int ? .min : Int16(truncatingIfNeeded: v))
            storage = .i16(a)
        case .i32(var a):
            storage = .i64([])
            a.append(v == Null.int ? .min : Int32(truncatingIfNeeded: v))
            storage = .i32(a)
        case .i64(var a):
            storage = .i64([])
            a.append(v)
            storage = .i64(a)
        }
    }

    mutating func reserveCapacity(_ n: Int) {
        switch storage {
        case .i16(var a): storage = .i64([]); a.reserveCapacity(n); storage = .i16(a)
        case .i32(var a): storage = .i64([]); a.reserveCapacity(n); storage = .i32(a)
        case .i64(var a): storage = .i64([]); a.reserveCapacity(n); storage = .i64(a)
        }
    }

    /// The rows `keep`, in order.
    func select(_ keep: [Int]) -> IntColumn {
        var c = self
        switch storage {
        case .i16(let a): c.storage = .i16(keep.map { a[$0] })
        case .i32(let a): c.storage = .i32(keep.map { a[$0] })
        case .i64(let a): c.storage = .i64(keep.map { a[$0] })
        }
        return c
    }
}
