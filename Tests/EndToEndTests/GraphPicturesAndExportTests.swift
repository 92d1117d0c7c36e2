import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Pictures of graph results (`.mode dot`, `svg`, `png` through Graphviz) and `.export --neo4j`
/// loaded into DuckDB, with the release binary. Fails when Graphviz's `dot`, python3 or its
/// duckdb module is missing (`scripts/install-deps test` installs them).
@Suite("Graph pictures and the Neo4j export", .serialized)
struct GraphPicturesAndExportTests {
    // MARK: pictures

    @Test("path, neighbors and describe in .mode dot carry their edges, labelled with the relation")
    func dotCarriesEdges() throws {
        let path = try FactshProcess.run(["--format", "dot", "-c", "path 歌尔 to 潍柴"])
        #expect(path.status == 0, "\(path.stderr)")
        #expect(path.stdout.contains("\"歌尔股份有限公司\" -> \"潍坊市\" [label=\"enterprise.city\"]"), "\(path.stdout)")
        #expect(path.stdout.contains("-> \"潍柴动力股份有限公司\" [label=\"enterprise.city\"]")
                || path.stdout.contains("\"潍坊市\" -> \"潍柴动力股份有限公司\""), "\(path.stdout)")

        let neighbors = try FactshProcess.run(["--format", "dot", "-c", "neighbors 济宁"])
        #expect(neighbors.status == 0)
        let edges = neighbors.stdout.split(separator: "\n").filter { $0.contains(" -> ") }
        #expect(edges.count >= 5, "\(neighbors.stdout)")
        #expect(edges.allSatisfy { $0.contains("[label=\"") }, "\(neighbors.stdout)")

        let describe = try FactshProcess.run(["--format", "dot", "-c", "describe 歌尔"])
        #expect(describe.status == 0)
        #expect(describe.stdout.contains("\"歌尔股份有限公司\" -> \"潍坊市\" [label="), "\(describe.stdout)")
    }

    @Test("--format svg draws the path through Graphviz: the SVG parses and holds both names")
    func svgOfAPath() throws {
        _ = try FactshProcess.require("dot")
        let r = try FactshProcess.run(["--format", "svg", "-c", "path 歌尔 to 潍柴"])
        #expect(r.status == 0, "\(r.stderr)")
        let texts = try SVGTexts.of(r.output)
        #expect(texts.contains("歌尔股份有限公司"), "texts: \(texts)")
        #expect(texts.contains("潍柴动力股份有限公司"), "texts: \(texts)")
        #expect(texts.contains("enterprise.city"), "texts: \(texts)")
    }

    @Test(".mode svg with .once writes the picture to a file; png gives PNG bytes to a pipe")
    func svgToAFileAndPNGToAPipe() throws {
        _ = try FactshProcess.require("dot")
        let dir = try FactshProcess.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("path.svg")
        let r = try FactshProcess.run(["-c", ".mode svg", "-c", ".once \(file.path)", "-c", "neighbors 歌尔"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty, "the picture went to the file, not the screen: \(r.stdout.prefix(200))")
        let texts = try SVGTexts.of(try Data(contentsOf: file))
        #expect(texts.contains("歌尔股份有限公司") && texts.contains("潍坊市"), "texts: \(texts)")

        let png = try FactshProcess.run(["--format", "png", "-c", "path 歌尔 to 潍柴"])
        #expect(png.status == 0, "\(png.stderr)")
        #expect(Array(png.output.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "not a PNG")
    }

    @Test("Without Graphviz's dot, svg fails with an error naming the package")
    func svgWithoutDotNamesThePackage() throws {
        let r = try FactshProcess.run(["--format", "svg", "-c", "path 歌尔 to 潍柴"], environment: ["PATH": "/nonexistent"])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("graphviz") && r.stderr.contains("dot"), "\(r.stderr)")
    }

    // MARK: the Neo4j export

    @Test(".export --neo4j of the built-in graph loads into DuckDB with the graph's node and relationship counts")
    func builtinExportLoadsIntoDuckDB() throws {
        let dir = try FactshProcess.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let facts = dir.appendingPathComponent("graph.facts"), out = dir.appendingPathComponent("neo4j")
        let r = try FactshProcess.run(["-c", ".export \(facts.path)", "-c", ".export --neo4j \(out.path)"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("relationships AWARD (recipient → honor"), "\(r.stdout)")
        let check = try ExportCheck.run(facts: facts, export: out)
        check.expectAgreement()
        #expect(check.expectedNodes > 100 && check.expectedRelationships > 100)
        // Start and end ids first; typed columns; no byte order mark.
        let award = try String(contentsOf: out.appendingPathComponent("relationships/enterprise-AWARD-honor.csv"), encoding: .utf8)
        #expect(award.hasPrefix(":START_ID,:END_ID,:TYPE,edition,year:int,"), "\(award.prefix(200))")
        let enterprises = try String(contentsOf: out.appendingPathComponent("nodes/enterprise.csv"), encoding: .utf8)
        #expect(enterprises.hasPrefix("id:ID,:LABEL,name,aliases:string[],"), "\(enterprises.prefix(200))")
    }

    @Test(".export --neo4j of a generated CSV graph (gen.py, scale 1,000) loads into DuckDB with matching counts; RFC 4180 quoting survives")
    func generatedGraphExportLoadsIntoDuckDB() throws {
        try exportGenerated(scale: 1000)
    }

    @Test(".export --neo4j of a 100k generated graph loads into DuckDB with matching counts")
    func largeGeneratedGraphExportLoadsIntoDuckDB() throws {
        try exportGenerated(scale: 100_000)
    }

    func exportGenerated(scale: Int) throws {
        let genPy = FactshProcess.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/bench/gen.py").path
        try #require(FileManager.default.fileExists(atPath: genPy), "no gen.py at \(genPy)")
        let dir = try FactshProcess.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("csv")
        let gen = try ExportCheck.python([genPy, "--scale", String(scale), "--out", csv.path])
        try #require(gen.status == 0, "gen.py failed: \(gen.stderr)")
        let facts = dir.appendingPathComponent("graph.facts"), out = dir.appendingPathComponent("neo4j")
        let r = try FactshProcess.run(["--import-csv", csv.path, "-c", ".export \(facts.path)", "-c", ".export --neo4j \(out.path)"])
        #expect(r.status == 0, "\(r.stderr)")
        let check = try ExportCheck.run(facts: facts, export: out)
        check.expectAgreement()
        #expect(check.expectedByLabel["enterprise"] == scale)
        // gen.py's honor names hold double quotes (国家级专精特新"小巨人"企业): quoted and doubled.
        let honors = try String(contentsOf: out.appendingPathComponent("nodes/honor.csv"), encoding: .utf8)
        #expect(honors.contains("\"\"小巨人\"\""), "no doubled quotes in honor.csv")
    }

    @Test(".export --neo4j is refused under --safe, refuses a folder that holds other files, and replaces an earlier export")
    func exportFolderRules() throws {
        let dir = try FactshProcess.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("neo4j")
        let safe = try FactshProcess.run(["--safe", "-c", ".export --neo4j \(out.path)"])
        #expect(safe.status == 1)
        #expect(safe.stderr.contains("--safe"), "\(safe.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))

        let other = dir.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: other.appendingPathComponent("notes.txt"))
        let refused = try FactshProcess.run(["-c", ".export --neo4j \(other.path)"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("not empty"), "\(refused.stderr)")
        #expect(try String(contentsOf: other.appendingPathComponent("notes.txt"), encoding: .utf8) == "keep me")

        let first = try FactshProcess.run(["-c", ".export --neo4j \(out.path)"])
        #expect(first.status == 0, "\(first.stderr)")
        let again = try FactshProcess.run(["-c", ".export --neo4j \(out.path)"])
        #expect(again.status == 0, "\(again.stderr)")
        let missing = try FactshProcess.run(["-c", ".export --neo4j"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("expected a folder after --neo4j"), "\(missing.stderr)")
    }
}

/// The text of every `<text>` element of an SVG, read with an XML parser (so the file must be
/// well-formed).
final class SVGTexts: NSObject, XMLParserDelegate {
    private var texts: [String] = []
    private var current: String?
    private var sawSVG = false

    static func of(_ data: Data) throws -> [String] {
        let reader = SVGTexts()
        let parser = XMLParser(data: data)
        parser.delegate = reader
        try #require(parser.parse(), "the SVG does not parse: \(String(describing: parser.parserError)); it starts \(String(decoding: data.prefix(300), as: UTF8.self))")
        try #require(reader.sawSVG, "no <svg> element")
        return reader.texts
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if name == "svg" { sawSVG = true }
        if name == "text" { current = "" }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        current? += string
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text", let c = current { texts.append(c); current = nil }
    }
}

/// Loads an export into DuckDB (python3's duckdb module) and counts what the canonical `.facts`
/// text of the same graph says there should be, by the mapping docs/EXPORT.md states: a node
/// per entity and per row of a relation kind kept as nodes; a relationship per reference of a
/// named row or a node row, and per row of a relation kind whose every row names its anchor
/// and its second reference.
struct ExportCheck {
    var expectedNodes = 0, expectedRelationships = 0
    var expectedByLabel: [String: Int] = [:], csvByLabel: [String: Int] = [:]
    var csvNodes = 0, csvRelationships = 0, duckdbNodes = 0, duckdbRelationships = 0
    var dangling = -1, duplicateIDs = -1
    var bom = true

    func expectAgreement(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(csvNodes == expectedNodes, "nodes in the CSV files", sourceLocation: sourceLocation)
        #expect(duckdbNodes == expectedNodes, "nodes loaded by duckdb.sql", sourceLocation: sourceLocation)
        #expect(csvRelationships == expectedRelationships, "relationships in the CSV files", sourceLocation: sourceLocation)
        #expect(duckdbRelationships == expectedRelationships, "relationships loaded by duckdb.sql", sourceLocation: sourceLocation)
        #expect(csvByLabel == expectedByLabel, "nodes per label", sourceLocation: sourceLocation)
        #expect(dangling == 0, "relationships whose start or end is no node", sourceLocation: sourceLocation)
        #expect(duplicateIDs == 0, "node ids used twice", sourceLocation: sourceLocation)
        #expect(!bom, "a file starts with a byte order mark", sourceLocation: sourceLocation)
    }

    static func run(facts: URL, export: URL) throws -> ExportCheck {
        let script = facts.deletingLastPathComponent().appendingPathComponent("check_export.py")
        try Data(source.utf8).write(to: script)
        let r = try python([script.path, facts.path, export.path])
        try #require(r.status == 0, "the DuckDB check failed (python3 -m pip install duckdb; scripts/install-deps test does):\n\(r.stderr)")
        let line = try #require(r.stdout.split(separator: "\n").last, "no output from the check")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
        var c = ExportCheck()
        c.expectedNodes = json["expected_nodes"] as? Int ?? -1
        c.expectedRelationships = json["expected_relationships"] as? Int ?? -1
        c.expectedByLabel = json["expected_by_label"] as? [String: Int] ?? [:]
        c.csvByLabel = json["csv_by_label"] as? [String: Int] ?? [:]
        c.csvNodes = json["csv_nodes"] as? Int ?? -2
        c.csvRelationships = json["csv_relationships"] as? Int ?? -2
        c.duckdbNodes = json["duckdb_nodes"] as? Int ?? -3
        c.duckdbRelationships = json["duckdb_relationships"] as? Int ?? -3
        c.dangling = json["dangling"] as? Int ?? -1
        c.duplicateIDs = json["duplicate_ids"] as? Int ?? -1
        c.bom = json["bom"] as? Bool ?? true
        return c
    }

    /// Runs python3 with arguments.
    static func python(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try FactshProcess.require("python3"))
        p.arguments = arguments
        // Standard error to a file, standard output read to its end before waiting: no pipe can
        // fill up and stall the child.
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("factsh-python-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errFile) }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = try FileHandle(forWritingTo: errFile)
        try p.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let errText = (try? String(contentsOf: errFile, encoding: .utf8)) ?? ""
        return (p.terminationStatus, String(decoding: outData, as: UTF8.self), errText)
    }

    static let source = #"""
import sys, os, re, json, glob
import duckdb

facts_path, export_dir = sys.argv[1], sys.argv[2]
SCALARS = {"text", "int", "number", "date"}
# `source` is predeclared in every graph and not written among the kinds.
kinds = {"source": {"role": "entity", "cols": [("date", "date", False), ("publisher", "text", False), ("author", "text", False), ("file", "text", False)]}}
token = re.compile(r'(?:[^\s"]|"(?:[^"\\]|\\.)*")+')
rows = {}
for line in open(facts_path, encoding="utf-8"):
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    toks = token.findall(line)
    if toks[0] == "kind":
        cols = []
        for t in toks[3:]:
            c, ty = t.split(":", 1)
            cols.append((c, ty.rstrip("^"), ty.endswith("^")))
        kinds[toks[1].split("/")[0]] = {"role": toks[2], "cols": cols}
        continue
    k = kinds[toks[0]]
    rest = toks[1:] if k["role"] == "relation" else toks[2:]
    rows.setdefault(toks[0], []).append({t.split("=", 1)[0] for t in rest if not t.startswith("@") and "=" in t})

nodes_by_label, rels = {}, 0
for name, k in kinds.items():
    rs = rows.get(name, [])
    refs = {c for c, ty, _ in k["cols"] if ty not in SCALARS}
    ordered = [c for c, ty, _ in k["cols"] if ty not in SCALARS]
    if k["role"] == "relation":
        anchor = next((c for c, ty, loc in k["cols"] if loc), ordered[0] if ordered else None)
        target = next((c for c in ordered if c != anchor), None)
        if anchor and target and all(anchor in p and target in p for p in rs):
            rels += len(rs)
            continue
    nodes_by_label[name] = len(rs)
    rels += sum(len(p & refs) for p in rs)

os.chdir(export_dir)
con = duckdb.connect()
def count(path):
    return con.execute("SELECT count(*) FROM read_csv(?, header=true, all_varchar=true, delim=',', quote='\"', escape='\"')", [path]).fetchone()[0]
csv_nodes = {os.path.basename(p)[:-4]: count(p) for p in glob.glob("nodes/*.csv")}
csv_rels = sum(count(p) for p in glob.glob("relationships/*.csv"))
for stmt in open("duckdb.sql", encoding="utf-8").read().split(";\n"):
    s = "\n".join(l for l in stmt.split("\n") if not l.startswith("--")).strip()
    if s:
        con.execute(s)
print(json.dumps({
    "expected_nodes": sum(nodes_by_label.values()), "expected_relationships": rels,
    "expected_by_label": nodes_by_label, "csv_by_label": csv_nodes,
    "csv_nodes": sum(csv_nodes.values()), "csv_relationships": csv_rels,
    "duckdb_nodes": con.execute("SELECT count(*) FROM nodes").fetchone()[0],
    "duckdb_relationships": con.execute("SELECT count(*) FROM relationships").fetchone()[0],
    "dangling": con.execute("SELECT count(*) FROM relationships WHERE start_id NOT IN (SELECT id FROM nodes) OR end_id NOT IN (SELECT id FROM nodes)").fetchone()[0],
    "duplicate_ids": con.execute("SELECT count(*) - count(DISTINCT id) FROM nodes").fetchone()[0],
    "bom": any(open(p, "rb").read(3) == b"\xef\xbb\xbf" for p in glob.glob("*/*.csv"))}, ensure_ascii=False))
"""#
}
