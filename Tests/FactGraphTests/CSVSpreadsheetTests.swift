import Foundation
import Testing
@testable import FactGraph

/// CSV as spreadsheets write it: decimal and negative numbers, a column named after its own
/// file, and files saved in GB18030 by a Chinese-locale spreadsheet.
@Suite struct CSVSpreadsheetTests {
    func column(_ g: FactGraph, _ kind: String, _ col: String) -> Column? {
        guard let k = g.kind(named: kind) else { return nil }
        return g.kinds[k].columns.first { $0.name == col }
    }

    @Test func decimalColumnsAreNumbers() throws {
        let f = try CSVFolder(["products.csv": "name,score,code,year\r\n甲,1.5,0531,2020\r\n乙,-2,0100,2021\r\n丙,0.1,0200,\r\n丁,3,0300,2022\r\n"])
        defer { f.remove() }
        let g = try f.load()
        #expect(column(g, "products", "score")?.type == .number)
        #expect(column(g, "products", "code")?.type == .text, "leading zeros: a code, not a number")
        #expect(column(g, "products", "year")?.type == .int)
        let k = g.kind(named: "products")!
        let c = g.kinds[k].columnIndex(named: "score")!
        #expect(g.kinds[k].numberColumn(c) == [1.5, -2, 0.1, 3])
    }

    @Test func decimalCellsAreCheckedStrictly() {
        func d(_ s: String) -> Double? { var s = s; return s.withUTF8 { CSVBytes.decimal(UnsafeRawBufferPointer($0)) } }
        #expect(d("1.5") == 1.5 && d("-2") == -2 && d("0.1") == 0.1 && d("1e3") == 1000 && d("0") == 0)
        for bad in ["", "-", "01", "1.", ".5", "nan", "inf", "1,234", "98.5%", "1e999", "1e", "+1", " 1"] {
            #expect(d(bad) == nil, "\(bad)")
        }
    }

    @Test func aSelfNamedColumnIsAReferenceOnlyWhenItsValuesNameRows() throws {
        let f = try CSVFolder([
            "prices.csv": "name,price\r\nA,10.5\r\nB,2\r\n",
            "companies.csv": "name,company\r\n母公司,\r\n子公司,母公司\r\n",
        ])
        defer { f.remove() }
        let g = try f.load()
        #expect(column(g, "prices", "price")?.type == .number)
        let k = g.kind(named: "companies")!
        #expect(column(g, "companies", "company")?.type == .ref(.kind(k)))
    }

    @Test func gb18030FilesAreRead() throws {
        let text = "name,aliases\r\n济宁市,济宁|Jining\r\n潍坊市,潍坊\r\n"
        let f = try CSVFolder(bytes: ["cities.csv": Self.gb18030(text),
                                      "enterprises.csv": Self.gb18030("name,city\r\n天意机械,济宁\r\n㛃记,潍坊\r\n")])
        defer { f.remove() }
        let g = try f.load()
        #expect(g.entity(named: "济宁") != nil && g.entity(named: "Jining") == g.entity(named: "济宁市"))
        #expect(g.entity(named: "㛃记") != nil, "a four-byte GB18030 character")
        let files = try FileManager.default.contentsOfDirectory(atPath: "/tmp").filter { $0.hasPrefix("factsh-csv-") }
        #expect(files.isEmpty, "the decoded copies are removed: \(files)")
    }

    @Test func neitherUTF8NorGB18030IsAnErrorNamingTheFile() throws {
        let f = try CSVFolder(bytes: ["cities.csv": [0x6E, 0x61, 0x6D, 0x65, 0x0A, 0xFF, 0xFF, 0x0A]])
        defer { f.remove() }
        #expect(f.errors() == ["cities.csv: neither UTF-8 nor GB18030 text", "cities.csv:2: invalid UTF-8"])
    }

    /// GB18030 bytes from Python's codec (the test set-up installs python3).
    static func gb18030(_ s: String) -> [UInt8] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().decode('utf-8').encode('gb18030'))"]
        let inp = Pipe(), out = Pipe()
        p.standardInput = inp
        p.standardOutput = out
        try? p.run()
        inp.fileHandleForWriting.write(Data(s.utf8))
        try? inp.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return [UInt8](data)
    }
}
