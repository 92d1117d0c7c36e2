import Testing
import FactGraph
@testable import FactQuery

/// The pieces that group millions of rows on two cores (the radix sort of combined codes, the
/// runs of equal codes, the count bar that picks a top N's candidates), each against a plain
/// computation, at sizes that take the two-core paths.
@Suite struct TwoCoreGroupingTests {
    /// Stable, by the low bits only, on either side of the two-core size.
    @Test(arguments: [1_000, RadixSort.twoCoresFrom + 12_345])
    func radixSortSortsByLowBitsStably(count: Int) {
        var rng = SplitMix64(seed: UInt64(count))
        for bits in [5, 17, 29, 32] {
            // The high bits number the keys, so stability shows in the result.
            let low = bits == 32 ? UInt32.max : (UInt32(1) << UInt32(bits)) - 1
            var keys: [Int32] = (0..<count).map { i in
                let k = UInt32(truncatingIfNeeded: rng.next()) & low
                return Int32(bitPattern: bits == 32 ? k : k | (UInt32(i) << UInt32(bits)) & ~low)
            }
            let want = keys.enumerated().sorted { a, b in
                let x = UInt32(bitPattern: a.element) & low, y = UInt32(bitPattern: b.element) & low
                return x != y ? x < y : a.offset < b.offset
            }.map(\.element)
            RadixSort.sort(&keys, bits: bits)
            if bits == 32 {
                #expect(keys.map { UInt32(bitPattern: $0) } == want.map { UInt32(bitPattern: $0) }.sorted(), "bits \(bits)")
            } else {
                #expect(keys == want, "bits \(bits)")
            }
        }
    }

    /// Two keys' codes combined, sorted and split into runs: every combination once, with its
    /// number of rows, on the two-core path.
    @Test func keysOnlyCountsEveryCombination() throws {
        var rng = SplitMix64(seed: 11)
        let n = RadixSort.twoCoresFrom + 777
        let first = (0..<n).map { _ in Int32(rng.next() % 40_000) }
        let second = (0..<n).map { _ in Int32(rng.next() % 300) }
        var naive: [Int64: Int] = [:]
        for i in 0..<n { naive[Int64(first[i]) << 32 | Int64(second[i]), default: 0] += 1 }
        var perKey = [first, second]
        let engine = QueryEngine(graph: GraphBuilder().finish()!)
        let g = try Grouping.keysOnly(&perKey, bits: [16, 9], rows: n, engine)
        #expect(g.count == naive.count)
        #expect(g.counts.reduce(0, +) == n)
        var seen = Set<Int64>()
        for x in 0..<g.count {
            let key = Int64(g.codes[0][x]) << 32 | Int64(g.codes[1][x])
            #expect(naive[key] == g.counts[x])
            seen.insert(key)
        }
        #expect(seen.count == naive.count)
        // In the order of the combined codes.
        let combined = (0..<g.count).map { Int64(g.codes[0][$0]) << 32 | Int64(g.codes[1][$0]) }
        #expect(combined == combined.sorted())
    }

    /// The count bar keeps every group that can be in the top N, ties at the N-th count too.
    @Test(arguments: [0, 1, 2])
    func countBarKeepsTheTopAndItsTies(shape: Int) {
        var rng = SplitMix64(seed: UInt64(40 + shape))
        let n = RadixSort.twoCoresFrom + 99
        let counts: [Int] = (0..<n).map { _ in
            switch shape {
            case 0: return Int(rng.next() % 1_000)           // spread out
            case 1: return 1                                  // all tied
            default: return rng.next() % 50 == 0 ? 7 : 1      // a wide tie at the bar
            }
        }
        for want in [1, 20, 500] {
            let kept = GroupOrder.reaching(counts, 0, n, want)
            let bar = counts.sorted(by: >)[want - 1]
            let must = (0..<n).filter { counts[$0] >= bar }
            #expect(Set(must).isSubset(of: Set(kept)), "shape \(shape) want \(want)")
            #expect(kept == kept.sorted())
            #expect(kept.allSatisfy { counts[$0] >= 0 })
        }
    }
}
