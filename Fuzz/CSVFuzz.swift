// libFuzzer target: the CSV importer must report errors, never crash, on any bytes in any of
// its files; a graph it accepts must export (FactsWriter) to text that the .facts reader loads
// back with the same kinds and row counts. The input is split on the byte 0x00 into up to six
// files in gen.py's layout (provinces, cities, departments, honors, enterprises, awards), so
// references between files — the honors' issuer naming a department — are exercised.
// Run with scripts/fuzz csv SECONDS.
import FactGraph
#if canImport(Glibc)
import Glibc
#endif

let fuzzDir: String = {
    var t = Array("/tmp/factsh-csvfuzz-XXXXXX".utf8CString)
    return t.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
}()

let fileNames = ["provinces.csv", "cities.csv", "departments.csv", "honors.csv", "enterprises.csv", "awards.csv"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let parts = bytes.split(separator: 0, maxSplits: fileNames.count - 1, omittingEmptySubsequences: false)
    for (i, name) in fileNames.enumerated() {
        let path = fuzzDir + "/" + name
        unlink(path)
        guard i < parts.count else { continue }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        parts[i].withUnsafeBytes { _ = write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
    guard let g = try? CSVImporter.load(directory: fuzzDir) else { return 0 }
    let text = FactsWriter.write(g)
    let g2: FactGraph
    do { g2 = try FactsReader.load([("export.facts", Array(text.utf8))]) } catch {
        fatalError("an imported graph's export does not load:\n\(error)\n--- text:\n\(text)")
    }
    for k in g.kinds {
        guard let k2 = g2.kind(named: k.name), g2.kinds[k2].rowCount == k.rowCount else {
            fatalError("export changed kind \(k.name):\n\(text)")
        }
    }
    if FactsWriter.write(g2) != text { fatalError("export is not stable:\n\(text)") }
    return 0
}
