import FactGraph
import FactQuery
@testable import FactShell

/// Small result tables for the renderer tests.
enum OutputFixture {
    /// A graph with two cities, a district and an enterprise.
    static let graph: FactGraph = {
        let b = GraphBuilder()
        let city = try! b.declareKind(name: "city", plural: "cities", role: .place, columns: [])
        let ent = try! b.declareKind(name: "enterprise", plural: "enterprises", role: .entity, columns: [])
        let honor = try! b.declareKind(name: "honor", plural: "honors", role: .entity, columns: [])
        _ = try! b.addEntity(kind: city, name: "济宁市")
        _ = try! b.addEntity(kind: city, name: "潍坊市")
        _ = try! b.addEntity(kind: ent, name: "山东天意机械股份有限公司")
        _ = try! b.addEntity(kind: honor, name: "山东省质量标杆")
        return b.finish()!
    }()

    static func entity(_ name: String) -> Value { .entity(graph.entity(named: name)!) }

    /// city (entity), n (int, one null), honor (text, one null).
    static var awards: ResultTable {
        ResultTable(graph: graph, columns: ["city", "n", "honor"], rows: [
            [entity("济宁市"), .int(3), .string("质量标杆")],
            [entity("潍坊市"), .int(12), .null],
            [entity("济宁市"), .null, .string("Quality award")],
        ])
    }

    static func strings(_ columns: [String], _ rows: [[String?]]) -> ResultTable {
        ResultTable(graph: graph, columns: columns, rows: rows.map { $0.map { $0.map(Value.string) ?? .null } })
    }

    static func render(_ mode: OutputMode, _ t: ResultTable, _ configure: (inout RenderOptions) -> Void = { _ in }) -> String {
        var o = RenderOptions()
        configure(&o)
        return Renderers.format(for: mode).render(t, o)
    }
}
