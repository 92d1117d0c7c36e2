import Testing
import FactGraph
@testable import FactQuery

/// A `neighbors` level expanded on two cores stops when the statement is cancelled after this
/// thread's part is done and while the other part still runs (this thread is the one that asks).
@Suite struct NeighborsCancelTests {
    /// A firm with one award of a small honor and one of a hub honor that 200,000 other firms
    /// hold: depth 2 expands [small honor, hub] as two parts, the hub's the long one.
    static let graph: FactGraph = {
        let b = GraphBuilder()
        let firm = try! b.declareKind(name: "firm", plural: "firms", role: .entity, columns: [])
        let honor = try! b.declareKind(name: "honor", plural: "honors", role: .entity, columns: [])
        let award = try! b.declareKind(name: "award", plural: "awards", role: .relation, columns: [
            Column(name: "firm", type: .ref(.kind(firm))), Column(name: "honor", type: .ref(.kind(honor)))])
        let small = try! b.addEntity(kind: honor, name: "小奖").entity
        let hub = try! b.addEntity(kind: honor, name: "大奖").entity
        func give(_ f: UInt32, _ h: UInt32) {
            let r = b.addRow(kind: award)
            b.setID(kind: award, column: 0, row: r, f)
            b.setID(kind: award, column: 1, row: r, h)
        }
        let start = try! b.addEntity(kind: firm, name: "起点公司").entity
        give(start, small)
        give(try! b.addEntity(kind: firm, name: "另一公司").entity, small)
        give(start, hub)
        for i in 0..<200_000 { give(try! b.addEntity(kind: firm, name: "企业\(i)").entity, hub) }
        return b.finish()!
    }()

    @Test func stopsWhileTheOtherPartRuns() throws {
        let e = QueryEngine(graph: Self.graph)
        e.neighborsTwoCoresFrom = 2
        // Asked once at depth 1 (the firm), once for the small honor at depth 2; from the third
        // question on (this thread waiting for the hub's part) the answer is yes.
        var asked = 0
        e.isCancelled = { asked += 1; return asked >= 3 }
        #expect(throws: QueryError.self) { try e.execute("neighbors 起点公司 depth 2") }
        // Not cancelled, the same statement answers.
        let plain = QueryEngine(graph: Self.graph)
        plain.neighborsTwoCoresFrom = 2
        #expect(try plain.execute("neighbors 起点公司 depth 2").rowCount == 200_003)
    }
}
