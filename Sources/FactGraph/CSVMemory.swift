#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Faulting in, on the other core, memory that one thread is about to fill.
///
/// The first write to each fresh page costs a trap into the kernel, which clears the page: about
/// a millisecond per megabyte here, a good part of a load's time. When only one thread works
/// (names going into the string pool, say), another can fault in the room reserved for what it
/// writes, ahead of it, with `MADV_POPULATE_WRITE` (Linux 5.14): the pages are mapped as by a
/// write, and their contents are not touched, so the two threads may work on the same range.
/// Elsewhere, or where that fails, nothing happens and the writes fault as usual.
enum CSVPrefault {
    /// A range of memory, by address (nothing is read or written through it here).
    struct Region {
        var start: Int
        var count: Int
    }

    /// The room an array has reserved: its elements and the capacity after them.
    static func region<T>(_ a: inout [T]) -> Region {
        let capacity = a.capacity
        let start = a.withUnsafeMutableBufferPointer { Int(bitPattern: $0.baseAddress) }
        return Region(start: start, count: capacity * MemoryLayout<T>.stride)
    }

    /// Regions below this size are left alone (a thread costs more).
    static let minimumBytes = 4 << 20

    /// Starts faulting in `regions` on another thread, when there is another core and enough
    /// memory to make it worth it; `wait()` on the result before the regions may be freed.
    static func start(_ regions: [Region]) -> CSVParallel.Background? {
        #if os(Linux)
        let big = regions.filter { $0.start != 0 && $0.count >= minimumBytes }
        guard CSVParallel.cores > 1, !big.isEmpty else { return nil }
        return CSVParallel.start {
            let page = Int(sysconf(Int32(_SC_PAGESIZE)))
            for r in big {
                let a = r.start & ~(page - 1)
                let b = (r.start + r.count + page - 1) & ~(page - 1)
                _ = madvise(UnsafeMutableRawPointer(bitPattern: a), b - a, 23)   // MADV_POPULATE_WRITE
            }
        }
        #else
        return nil
        #endif
    }
}
