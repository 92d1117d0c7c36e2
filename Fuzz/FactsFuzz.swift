// libFuzzer target: the .facts reader must report errors, never crash, on any bytes; a graph
// it accepts must write (FactsWriter) and reload to the same canonical text, with the same
// kinds and row counts. Run with scripts/fuzz facts SECONDS.
import FactGraph

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFacts(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let g = try? FactsReader.load([("fuzz.facts", bytes)]) else { return 0 }
    let text = FactsWriter.write(g)
    let g2: FactGraph
    do { g2 = try FactsReader.load([("canonical.facts", Array(text.utf8))]) } catch {
        fatalError("canonical form does not reload:\n\(error)\n--- text:\n\(text)")
    }
    if g2.entityCount != g.entityCount { fatalError("reload changed the entity count:\n\(text)") }
    for k in g.kinds {
        guard let k2 = g2.kind(named: k.name), g2.kinds[k2].rowCount == k.rowCount else {
            fatalError("reload changed kind \(k.name):\n\(text)")
        }
    }
    if FactsWriter.write(g2) != text { fatalError("canonical form is not stable:\n\(text)") }
    return 0
}
