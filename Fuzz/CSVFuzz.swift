// libFuzzer target: the CSV importer must report errors, never crash, on any bytes in any of
// its files. The input is split on the byte 0x00 into up to three files: cities.csv,
// enterprises.csv and awards.csv. Run with scripts/fuzz csv.
import FactGraph
#if canImport(Glibc)
import Glibc
#endif

let fuzzDir: String = {
    var t = Array("/tmp/factsh-csvfuzz-XXXXXX".utf8CString)
    return t.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let parts = bytes.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
    let names = ["cities.csv", "enterprises.csv", "awards.csv"]
    for (i, name) in names.enumerated() {
        let path = fuzzDir + "/" + name
        unlink(path)
        guard i < parts.count else { continue }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        parts[i].withUnsafeBytes { _ = write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
    _ = try? CSVImporter.load(directory: fuzzDir)
    return 0
}
