import Foundation
import FactQuery

/// A CSV reader over bytes, fed in chunks of any size (a pipe's reads): RFC 4180 quoting,
/// CRLF or LF. It hashes each parsed row (fields joined by 0x1F, so quoting does not matter)
/// and sums the hashes, so two streams of the same rows in any order and any quoting style give
/// the same count and sum. It keeps the first row (the header) as text.
struct CSVRowHasher {
    private var inQuotes = false
    private var quotePending = false
    private var rowHash: UInt64 = 0xcbf2_9ce4_8422_2325
    private var rowBytes = 0
    private var fields = 0
    private var headerBytes: [UInt8] = []
    private var inHeader = true
    /// Data rows (after the header).
    private(set) var rows = 0
    private(set) var sum: UInt64 = 0
    var header: String { String(decoding: headerBytes.map { $0 == 0x1F ? 0x2C : $0 }, as: UTF8.self) }
    var hash: String { String(format: "%016llx", sum) }

    @inline(__always) private mutating func byte(_ b: UInt8) {
        rowHash = (rowHash ^ UInt64(b)) &* 0x100_0000_01b3
        rowBytes += 1
        if inHeader { headerBytes.append(b) }
    }

    @inline(__always) private mutating func endField() {
        byte(0x1F)
        fields += 1
    }

    private mutating func endRow() {
        if rowBytes > 0 || fields > 0 {
            if inHeader {
                inHeader = false
                headerBytes.removeLast()          // the last separator
            } else {
                rows += 1
                // splitmix64's finaliser spreads the row hash before the order-free sum.
                var z = rowHash &+ 0x9E37_79B9_7F4A_7C15
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                sum &+= z ^ (z >> 31)
            }
        }
        rowHash = 0xcbf2_9ce4_8422_2325
        rowBytes = 0
        fields = 0
    }

    mutating func feed(_ buf: UnsafeRawBufferPointer) {
        for b in buf {
            if inQuotes {
                if quotePending {
                    quotePending = false
                    if b == 0x22 { byte(0x22); continue }
                    inQuotes = false                   // the quote closed the field: b is outside
                } else if b == 0x22 {
                    quotePending = true
                    continue
                } else {
                    byte(b)
                    continue
                }
            }
            switch b {
            case 0x22: inQuotes = true
            case 0x2C: endField()
            case 0x0A: endField(); endRow()
            case 0x0D: break
            default: byte(b)
            }
        }
    }

    /// Ends a last row without a newline.
    mutating func finish() {
        if quotePending { quotePending = false; inQuotes = false }
        if rowBytes > 0 { endField(); endRow() }
    }
}

/// Reading the generated CSV files (small ones: names), field by field.
enum CSVFile {
    /// The rows of a CSV file as fields (header included).
    static func rows(_ path: String) throws -> [[String]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var out: [[String]] = []
        var row: [String] = []
        var field: [UInt8] = []
        var inQuotes = false, pending = false
        func endField() { row.append(String(decoding: field, as: UTF8.self)); field = [] }
        data.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
            for b in buf {
                if inQuotes {
                    if pending {
                        pending = false
                        if b == 0x22 { field.append(b); continue }
                        inQuotes = false
                    } else if b == 0x22 { pending = true; continue } else { field.append(b); continue }
                }
                switch b {
                case 0x22: inQuotes = true
                case 0x2C: endField()
                case 0x0A: endField(); out.append(row); row = []
                case 0x0D: break
                default: field.append(b)
                }
            }
        }
        if !field.isEmpty || !row.isEmpty { endField(); out.append(row) }
        return out
    }

    /// One CSV field, quoted when it needs to be.
    static func field(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}

/// `name_pinyin.csv` for Q13's peers: every name and alias of the folder's named files
/// (provinces, cities, departments, honors, enterprises; aliases split at `|`), the entity's
/// canonical name, and FactQuery's toneless pinyin and initials of the name (empty for ASCII
/// names, which `find` matches as text only). SQL has no pinyin; this is the column a SQL user
/// would have to store to answer `find jining`.
enum NamePinyin {
    static let files = ["provinces", "cities", "departments", "honors", "enterprises"]

    /// Writes the file in a child process (`factsh-bench --write-pinyin DATA OUT`), so that the
    /// benchmark's own peak memory stays small: on Linux a spawned child's `ru_maxrss` starts at
    /// its parent's peak, and the children's peaks are what is measured. Returns the rows.
    static func writeInChild(data: String, to path: String, work: String) throws -> Int {
        let log = work + "/pinyin-log.txt"
        let r = try Spawn.run([Spawn.selfPath, "--write-pinyin", data, path], stdout: log)
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        guard r.status == 0, let n = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw BenchError("writing name_pinyin.csv failed: \(text.suffix(500))")
        }
        return n
    }

    /// Writes the file; returns its number of rows.
    @discardableResult
    static func write(data: String, to path: String) throws -> Int {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let h = FileHandle(forWritingAtPath: path) else { throw BenchError("cannot write \(path)") }
        defer { try? h.close() }
        var out = "name,entity,pinyin,initials\n"
        func flush() { h.write(Data(out.utf8)); out = "" }
        var n = 0
        for f in files {
            let rows = try CSVFile.rows(data + "/\(f).csv")
            guard let header = rows.first, let nameCol = header.firstIndex(of: "name") else { continue }
            let aliasCol = header.firstIndex(of: "aliases")
            for row in rows.dropFirst() where row.count > nameCol && !row[nameCol].isEmpty {
                let entity = row[nameCol]
                var names = [entity]
                if let a = aliasCol, row.count > a {
                    names += row[a].split(separator: "|").map { String($0) }.filter { !$0.isEmpty }
                }
                for name in names {
                    let ascii = name.utf8.allSatisfy { $0 < 0x80 }
                    let full = ascii ? "" : Pinyin.full(name), initials = ascii ? "" : Pinyin.initials(name)
                    out += CSVFile.field(name) + "," + CSVFile.field(entity) + "," + full + "," + initials + "\n"
                    n += 1
                    if out.utf8.count > 1 << 20 { flush() }
                }
            }
        }
        flush()
        return n
    }
}
