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

    /// Codes by rank follow the ids; a later `code(_:)` on the same coder agrees with them, and
    /// the values kept as raw ids read back as the entities.
    @Test func rankCodesAgreeWithRowCodes() throws {
        let g = SummaryPathsTests.graph
        let awards = try #require(g.kind(named: "award"))
        let firm = try #require(g.kinds[awards].columns.firstIndex { $0.name == "firm" })
        let e = QueryEngine(graph: g)
        let coder = KeyCoder(engine: e, kind: awards, accessor: .stored(firm))
        let n = g.kinds[awards].rowCount
        let codes = coder.codes(RowList(.all(n)))
        let col = g.kinds[awards].idColumn(firm)
        for r in 0..<n {
            #expect(coder.code(r) == codes[r])
            #expect(coder.value(codes[r]) == .entity(col[r]))
        }
        // Codes in the order of the ids.
        let ids = (0..<coder.cardinality).map { c -> UInt32 in
            if case .entity(let x) = coder.value(Int32(c)) { return x } else { return 0 }
        }
        #expect(ids == ids.sorted())
    }

    /// A list of raw ids that meets another kind of value becomes a plain list, values kept.
    @Test func codeValuesTurnIntoAList() {
        var v = CodeValues(raws: [3, Null.id, 7], isEntity: true)
        #expect(Array(v) == [.entity(3), .null, .entity(7)])
        v.append(.entity(9))
        v.append(.int(5))
        #expect(Array(v) == [.entity(3), .null, .entity(7), .entity(9), .int(5)])
        #expect(v.count == 5)
    }
}
