// libFuzzer target: the query lexer, parser, completeness test, statement splitter and
// completer must never crash, hang or loop on any bytes. Run with scripts/fuzz query.
import FactGraph
import FactQuery

let fuzzGraph: FactGraph = {
    let b = GraphBuilder()
    let city = try! b.declareKind(name: "city", plural: "cities", role: .place, columns: [])
    let firm = try! b.declareKind(name: "firm", plural: "firms", role: .entity,
                                  columns: [Column(name: "city", type: .ref(.kind(city)), isLocation: true), Column(name: "year", type: .int)])
    _ = try! b.addEntity(kind: city, name: "济宁市")
    let (r, _) = try! b.addEntity(kind: firm, name: "天意机械")
    b.setInt(kind: firm, column: 1, row: r, 2024)
    return b.finish()!
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzQuery(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? Parser.parse(text)
    _ = Completeness.isComplete(text)
    _ = Completeness.split(text)
    let engine = QueryEngine(graph: fuzzGraph)
    _ = try? engine.execute(text)
    _ = Completer(graph: fuzzGraph).complete(line: text, cursor: text.count)
    return 0
}
