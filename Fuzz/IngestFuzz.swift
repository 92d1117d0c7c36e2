// libFuzzer target: the ingest input parsers (encoding detection, GB18030, HTML to text,
// romanisation, traditional→simplified) and the extraction rules must never crash on any bytes,
// events and statistics included, and what `ingest -o` would write must load as a graph. Run with
// scripts/fuzz ingest.
import FactGraph
import FactIngest

let ingest = Ingest(graph: nil)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIngest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // The first byte picks how the file is named (text or HTML), the rest is the file.
    let name = (bytes.first ?? 0) & 1 == 0 ? "fuzz.txt" : "fuzz.html"
    guard let doc = try? SourceDocument(bytes: Array(bytes.dropFirst()), fileName: name) else { return 0 }
    let result = ingest.extract(doc)
    _ = ReviewTable.rows([result], explain: true)
    let text = FactsOutput.write([result], linker: nil)
    do {
        _ = try FactsReader.load([("ingest.facts", Array(text.utf8))])
    } catch {
        fatalError("ingest output does not load: \(error)\n\(text)")
    }
    return 0
}
