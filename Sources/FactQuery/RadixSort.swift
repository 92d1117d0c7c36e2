import FactGraph

/// Sorting integer keys (their bit patterns, as unsigned numbers) by their low bits: least
/// significant digit first, digits of at most 11 bits (so that a pass's counters and write
/// positions stay in the first-level cache), each pass split over two cores when there are many
/// keys.
enum RadixSort {
    /// From this many keys a pass runs on two cores.
    static let twoCoresFrom = 1 << 20

    /// Sorts `a` by its low `bits` bits (as an unsigned number's: the bit patterns); higher bits
    /// ride along and keep their order among equal keys (the sort is stable).
    static func sort<T: FixedWidthInteger & Sendable>(_ a: inout [T], bits: Int) {
        let n = a.count
        if n < 2 { return }
        let total = min(max(bits, 1), T.bitWidth)
        let passes = (total + 10) / 11
        let width = (total + passes - 1) / passes
        var buffer = [T](unsafeUninitializedCapacity: n) { _, count in count = n }
        a.withUnsafeMutableBufferPointer { pa in
            buffer.withUnsafeMutableBufferPointer { pb in
                var src = pa.baseAddress!, dst = pb.baseAddress!
                var shift = 0
                while shift < total {
                    let w = min(width, total - shift)
                    let pass = Pass(src: src, dst: dst, shift: UInt64(shift), mask: (1 << UInt64(w)) - 1, digits: 1 << w)
                    if n >= twoCoresFrom {
                        let half = n / 2
                        let (h0, h1) = BackgroundWork.pair({ pass.histogram(0, half) }, { pass.histogram(half, n) })
                        // Stable: the first half's keys of a digit go before the second half's.
                        var off0 = [Int](repeating: 0, count: pass.digits), off1 = off0
                        var at = 0
                        for d in 0..<pass.digits { off0[d] = at; off1[d] = at + h0[d]; at += h0[d] + h1[d] }
                        _ = BackgroundWork.pair({ pass.scatter(0, half, off0) }, { [off1] in pass.scatter(half, n, off1) })
                    } else {
                        var off = pass.histogram(0, n)
                        var at = 0
                        for d in 0..<pass.digits { let c = off[d]; off[d] = at; at += c }
                        pass.scatter(0, n, off)
                    }
                    swap(&src, &dst)
                    shift += w
                }
            }
        }
        if passes % 2 == 1 { swap(&a, &buffer) }
    }

    /// One digit's pass: counting, then moving keys to their places. A key's digit is read from
    /// its bit pattern (a negative 32-bit key's low 32 bits are its own, whatever the widening).
    struct Pass<T: FixedWidthInteger & Sendable>: @unchecked Sendable {
        let src: UnsafeMutablePointer<T>
        let dst: UnsafeMutablePointer<T>
        let shift: UInt64
        let mask: UInt64
        let digits: Int

        @inline(__always) func digit(_ v: T) -> Int { Int((UInt64(truncatingIfNeeded: v) >> shift) & mask) }

        /// Keys per digit among `src[from ..< to]`.
        func histogram(_ from: Int, _ to: Int) -> [Int] {
            var h = [Int](repeating: 0, count: digits)
            h.withUnsafeMutableBufferPointer { c in
                for i in from..<to { c[digit(src[i])] += 1 }
            }
            return h
        }

        /// Moves `src[from ..< to]` to `dst`, each digit's keys from its offset on.
        func scatter(_ from: Int, _ to: Int, _ offsets: [Int]) {
            var off = offsets
            off.withUnsafeMutableBufferPointer { o in
                for i in from..<to {
                    let v = src[i]
                    let d = digit(v)
                    dst[o[d]] = v
                    o[d] += 1
                }
            }
        }
    }
}
