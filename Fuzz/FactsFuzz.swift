// libFuzzer target: the .facts reader must report errors, never crash, on any bytes; a graph
// it accepts must write and reload to the same canonical text. Run with scripts/fuzz facts.
import FactGraph

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFacts(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let g = try? FactsReader.load([("fuzz.facts", bytes)]) {
        let text = FactsWriter.write(g)
        guard let g2 = try? FactsReader.load([("canonical.facts", Array(text.utf8))]) else { fatalError("canonical form does not reload:\n\(text)") }
        if FactsWriter.write(g2) != text { fatalError("canonical form is not stable:\n\(text)") }
    }
    return 0
}
