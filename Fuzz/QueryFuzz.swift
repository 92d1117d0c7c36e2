// libFuzzer target: the whole statement pipeline — splitter, lexer, parser, binder (name
// resolution, fragments, suggestions), planner and evaluator — must never crash, hang or loop on
// any bytes. The statements run against the built-in graph, so names resolve and conditions are
// evaluated on real rows. Run with scripts/fuzz query SECONDS.
import FactGraph
import FactQuery

#if canImport(Glibc)
import Glibc
#endif

let fuzzGraph: FactGraph = {
    // scripts/fuzz runs from the repository root.
    let path = "Sources/BuiltinGraph/builtin.facts"
    guard let f = fopen(path, "rb") else { fatalError("run from the repository root: \(path) is missing") }
    var bytes: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = fread(&buf, 1, buf.count, f)
        if n <= 0 { break }
        bytes += buf[0..<n]
    }
    fclose(f)
    return try! FactsReader.load([(path, bytes)])
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzQuery(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let raw = Array(UnsafeBufferPointer(start: data, count: size))
    let engine = QueryEngine(graph: fuzzGraph)
    engine.parameters = ["city": "济宁", "y": "2024", "x": "(", "n": "nan"]
    // Raw bytes (invalid UTF-8 included) straight to the engine.
    _ = try? engine.execute(bytes: raw, range: 0..<raw.count)
    // Lines through the statement splitter, as the shell feeds them.
    let text = String(decoding: raw, as: UTF8.self)
    _ = StatementSplitter.isComplete(text)
    for piece in StatementSplitter.split(text) where !piece.isDotCommand {
        do { _ = try engine.execute(piece) } catch {
            _ = Diagnostics.render(error, bytes: piece.chunk, file: "fuzz", firstLine: piece.firstLine)
        }
    }
    _ = Completer(graph: fuzzGraph).complete(line: text, cursor: min(text.count, 200))
    return 0
}
