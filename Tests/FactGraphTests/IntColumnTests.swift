import Testing
@testable import FactGraph

/// Int columns are stored as narrow as their values allow and read back exactly, missing
/// values included; a value that does not fit widens the column.
@Suite struct IntColumnTests {
    static func widthAndValues(_ c: IntColumn) -> (Int, [Int64]) { (c.width, Array(c)) }

    @Test(arguments: [
        ([2020, 2024, Null.int, -5], 2),
        ([Int64(Int16.max), Int64(Int16.min) + 1], 2),
        ([Int64(Int16.min)], 4),                 // the 2-byte missing marker itself needs 4 bytes
        ([20240911, Null.int], 4),               // dates
        ([Int64(Int32.min)], 8),
        ([Int64.max, Int64.min + 1, 0], 8),
        ([], 2),
        ([Null.int, Null.int], 2),
    ] as [([Int64], Int)])
    func narrowestWidthReadsBackExactly(values: [Int64], width: Int) {
        let c = IntColumn(values)
        #expect(c.width == width)
        #expect(Array(c) == values)
    }

    @Test func settingAndAppendingWiden() {
        var c = IntColumn(nulls: 3)
        #expect(c.width == 2)
        c.set(0, 2023)
        #expect(c.width == 2)
        c.set(1, 20_240_911)
        #expect(c.width == 4)
        c.append(Null.int)
        c.append(-9_000_000_000)
        #expect(c.width == 8)
        #expect(Array(c) == [2023, 20_240_911, Null.int, Null.int, -9_000_000_000])
        c.set(2, 7)
        #expect(c[2] == 7)
    }

    @Test func selectKeepsRowsInOrder() {
        let c = IntColumn([1, Null.int, 3, 4])
        #expect(Array(c.select([3, 1, 0])) == [4, Null.int, 1])
    }

    /// A column made from parts (a CSV file scanned on two cores) is the column of the parts
    /// joined, as narrow, and the parts are emptied.
    @Test(arguments: [
        [[2020, Null.int], [], [1999, 7]],
        [[Null.int], [Null.int, Null.int]],
        [[70_000], [-3, Null.int]],
        [[Int64(Int32.max) + 1, 5], [Null.int]],
        [[Int64.min + 1], []],
        [[], []],
    ] as [[[Int64]]])
    func partsJoinNarrow(_ given: [[Int64]]) {
        var parts = given
        let c = IntColumn(parts: &parts)
        let whole = IntColumn(given.flatMap { $0 })
        #expect(Array(c) == given.flatMap { $0 })
        #expect(c.width == whole.width)
        #expect(parts.allSatisfy { $0.isEmpty })
    }

    /// Through the store: a graph built row by row reads back every value it was given.
    @Test func graphBuilderRoundTrip() throws {
        let b = GraphBuilder()
        let k = try b.declareKind(name: "award", plural: "awards", role: .relation, columns: [Column(name: "year", type: .int)])
        let values: [Int64?] = [2020, nil, 70_000, nil, -3, Int64.max]
        for v in values {
            let r = b.addRow(kind: k)
            if let v { b.setInt(kind: k, column: 0, row: r, v) }
        }
        let g = try #require(b.finish())
        let col = g.kinds[k].intColumn(0)
        #expect(col.width == 8)
        #expect(Array(col) == values.map { $0 ?? Null.int })
    }
}
