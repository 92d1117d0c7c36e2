import FactGraph
#if canImport(Glibc)
import Glibc
#endif

/// `.export --neo4j DIR`: the graph as Neo4j's bulk-import CSV files, which Neo4j
/// (`neo4j-admin database import`), Memgraph, Kùzu and DuckDB load unchanged (docs/EXPORT.md).
///
///     DIR/nodes/enterprise.csv               id:ID,:LABEL,name,aliases:string[],industry,source:string[],paragraph:int[]
///     DIR/relationships/enterprise-AWARD-honor.csv
///                                            :START_ID,:END_ID,:TYPE,edition,year:int,…,recommended_by,source:string[],paragraph:int[]
///     DIR/neo4j-import.sh  kuzu.cypher  memgraph.cypherl  duckdb.sql  export.txt
///
/// How the facts map:
/// - Every entity (named row) is a node labelled with its kind (`enterprise`, `city`,
///   `source` …), its id its canonical name (unique in a graph), with `name`, `aliases` and its
///   kind's plain columns as properties.
/// - A reference column of a named kind (an enterprise's `city`) is a relationship from the
///   entity to the entity it names, typed with the column's name in capitals (`ISSUER`), with
///   `HAS_` before it when that is also a kind's name (`HAS_CITY`).
/// - A relation kind whose every row names both its anchor (its location column, else its first
///   reference: an award's recipient) and its first other reference (the honor) is a
///   relationship type named after the kind (`AWARD`), anchor → that reference, carrying the
///   row's other columns. Further references (an award's `recommended_by`) are properties
///   holding the id (the name) of the entity they name.
/// - Any other relation kind (a row without its second reference, a kind with one reference or
///   none: statistics) keeps each row as a node labelled with the kind (id `stat#12`, the row
///   number), with a relationship to each entity it names, typed with the column's name.
/// - Provenance is two aligned list properties: `source` (the source documents' ids) and
///   `paragraph`.
///
/// One node file per kind; one relationship file per type and pair of node kinds (Kùzu loads a
/// relationship table one pair of node tables at a time). UTF-8 without a byte order mark, a
/// header row, LF line ends, RFC 4180 quoting (a field holding `,`, `"` or a line break is
/// quoted, `"` doubled); a null is an empty field, an empty text `""`. Start and end ids are
/// the first two columns of a relationship file.
struct Neo4jExport {
    let g: FactGraph
    let isCancelled: () -> Bool

    /// The type of a property, named for each engine.
    enum PropertyType: Equatable {
        case string, int, long, double, date, stringList, intList

        var neo4jSuffix: String {
            switch self {
            case .string: return ""
            case .int: return ":int"
            case .long: return ":long"
            case .double: return ":double"
            case .date: return ":date"
            case .stringList: return ":string[]"
            case .intList: return ":int[]"
            }
        }
        /// Kùzu and DuckDB read a list field as text (its items are joined by the delimiter).
        var kuzu: String {
            switch self {
            case .string, .stringList, .intList: return "STRING"
            case .int, .long: return "INT64"
            case .double: return "DOUBLE"
            case .date: return "DATE"
            }
        }
        var duckdb: String {
            switch self {
            case .string, .stringList, .intList: return "VARCHAR"
            case .int, .long: return "BIGINT"
            case .double: return "DOUBLE"
            case .date: return "DATE"
            }
        }
    }

    /// One column of a file: its property name and type (the header is `name` + suffix).
    struct Property: Equatable {
        var name: String
        var type: PropertyType
        var header: String { name + type.neo4jSuffix }
    }

    /// One file written, for the import scripts and the summary.
    struct File {
        var path: String              // relative to DIR
        var header: [String]          // the CSV header fields
        var properties: [Property]    // the typed properties after the id (node) or ids and type (relationship)
        var rows: Int
        var label: String?            // a node file's label
        var type: String?             // a relationship file's type, start and end labels
        var from: String?
        var to: String?
    }

    /// How each relation kind was written, for the summary.
    var relationNotes: [String] = []
    var nodeFiles: [File] = []
    var relationshipFiles: [File] = []
    /// The character between the items of a list field (Neo4j's `--array-delimiter`): `;`
    /// unless some item holds one.
    var listDelimiter: Character = ";"

    init(graph: FactGraph, isCancelled: @escaping () -> Bool = { false }) {
        g = graph
        self.isCancelled = isCancelled
    }

    // MARK: - The command

    /// `.export --neo4j DIR`: writes the files, prints what was written.
    static func command(_ s: ShellSession, _ arguments: [String]) throws -> ShellSession.Outcome {
        guard arguments.count == 1 else {
            throw DotError(arguments.isEmpty ? "expected a folder after --neo4j" : "expected one folder after --neo4j",
                           argument: arguments.count > 1 ? 2 : nil)
        }
        var export = Neo4jExport(graph: s.graph, isCancelled: s.cancellation.isRequested)
        let summary = try export.write(to: FileIO.expandTilde(arguments[0]), shownAs: arguments[0])
        s.emit(summary)
        return .ok
    }

    // MARK: - Writing

    struct Cancelled: Error {}

    /// Writes every file into `dir` (created if missing; it must be empty, or hold an earlier
    /// export, whose files this one replaces). Returns the summary.
    mutating func write(to dir: String, shownAs shown: String) throws -> String {
        try Self.prepare(dir, shownAs: shown)
        listDelimiter = chooseListDelimiter()
        for sub in ["nodes", "relationships"] { try Self.makeDirectory(dir + "/" + sub) }
        var written: [String] = []
        func save(_ f: File, _ bytes: [UInt8]) throws {
            if isCancelled() { throw OutputStop.cancelled }
            do { try FileIO.writeAtomically(dir + "/" + f.path, bytes) } catch {
                throw DotError("cannot write \(error)")
            }
            written.append(f.path)
        }
        // Relationship types, renamed where two sources would give one type different columns.
        let types = relationshipTypes()
        for (k, kind) in g.kinds.enumerated() {
            if kind.role.isNamed {
                let (file, bytes) = try entityNodes(k)
                try save(file, bytes)
                nodeFiles.append(file)
                for (c, col) in kind.columns.enumerated() where col.type.isRef {
                    for (file, bytes) in try referenceRelationships(k, c, type: types[Source.column(k, c)]!) {
                        try save(file, bytes)
                        relationshipFiles.append(file)
                    }
                }
            } else if let (anchor, target) = relationshipShape(k) {
                for (file, bytes) in try relationRelationships(k, anchor: anchor, target: target, type: types[Source.relation(k)]!) {
                    try save(file, bytes)
                    relationshipFiles.append(file)
                }
                let others = kind.columns.indices.filter { $0 != anchor && $0 != target && kind.columns[$0].type.isRef }
                relationNotes.append("\(kind.plural): relationships \(types[Source.relation(k)]!) (\(kind.columns[anchor].name) → \(kind.columns[target].name)"
                                     + (others.isEmpty ? "" : "; " + others.map { kind.columns[$0].name }.joined(separator: ", ") + (others.count == 1 ? " as a property" : " as properties") + " holding the id") + ")")
            } else {
                let (file, bytes) = try rowNodes(k)
                try save(file, bytes)
                nodeFiles.append(file)
                var refTypes: [String] = []
                for (c, col) in kind.columns.enumerated() where col.type.isRef {
                    let t = types[Source.column(k, c)]!
                    refTypes.append(t)
                    for (file, bytes) in try referenceRelationships(k, c, type: t) {
                        try save(file, bytes)
                        relationshipFiles.append(file)
                    }
                }
                relationNotes.append("\(kind.plural): nodes \(kind.name) (a row each)" + (refTypes.isEmpty ? "" : ", relationships " + refTypes.joined(separator: ", ")))
            }
        }
        let nodes = nodeFiles.reduce(0) { $0 + $1.rows }
        let relationships = relationshipFiles.reduce(0) { $0 + $1.rows }
        let absolute = Self.absolute(dir)
        let scripts: [(String, String)] = [
            ("neo4j-import.sh", neo4jScript()),
            ("kuzu.cypher", kuzuScript()),
            ("memgraph.cypherl", memgraphScript(directory: absolute)),
            ("duckdb.sql", duckdbScript()),
        ]
        for (name, text) in scripts {
            do { try FileIO.writeAtomically(dir + "/" + name, Array(text.utf8), newFileMode: name.hasSuffix(".sh") ? 0o777 : 0o666) } catch {
                throw DotError("cannot write \(error)")
            }
            written.append(name)
        }
        var summary = "exported \(nodes) node\(nodes == 1 ? "" : "s") (\(nodeFiles.count) file\(nodeFiles.count == 1 ? "" : "s")) and "
        summary += "\(relationships) relationship\(relationships == 1 ? "" : "s") (\(relationshipFiles.count) file\(relationshipFiles.count == 1 ? "" : "s")) to \(shown)\n"
        for note in relationNotes { summary += "  " + note + "\n" }
        summary += "load with \(shown)/neo4j-import.sh, kuzu.cypher, memgraph.cypherl or duckdb.sql (docs/EXPORT.md)\n"
        var manifest = "# factsh export (Neo4j bulk-import CSV layout; docs/EXPORT.md)\n"
        manifest += "nodes\t\(nodes)\nrelationships\t\(relationships)\nlist delimiter\t\(listDelimiter)\n"
        for f in nodeFiles { manifest += "file\t\(f.path)\t\(f.rows)\n" }
        for f in relationshipFiles { manifest += "file\t\(f.path)\t\(f.rows)\n" }
        for name in scripts.map(\.0) { manifest += "file\t\(name)\n" }
        for note in relationNotes { manifest += "# " + note + "\n" }
        do { try FileIO.writeAtomically(dir + "/" + Self.manifestName, Array(manifest.utf8)) } catch {
            throw DotError("cannot write \(error)")
        }
        // Files of an earlier export into this folder that this one did not write again.
        for old in Self.previousFiles(dir) where !written.contains(old) && old.hasSuffix(".csv") {
            unlink(dir + "/" + old)
        }
        return summary
    }

    static let manifestName = "export.txt"

    /// The folder must be new, empty, or an earlier export's (its manifest says so).
    static func prepare(_ dir: String, shownAs shown: String) throws {
        if !FileIO.exists(dir) {
            try makeDirectory(dir)
            return
        }
        guard FileIO.isDirectory(dir) else { throw DotError("'\(shown)' is not a folder", argument: 1) }
        if FileIO.exists(dir + "/" + manifestName) { return }
        guard let d = opendir(dir) else { throw DotError("cannot read the folder \(shown): \(String(cString: strerror(errno)))", argument: 1) }
        defer { closedir(d) }
        while let entry = readdir(d) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." {
                throw DotError("'\(shown)' is not empty and holds no earlier export: choose a new or empty folder", argument: 1)
            }
        }
    }

    /// The files an earlier export listed in its manifest.
    static func previousFiles(_ dir: String) -> [String] {
        guard let bytes = try? FileIO.read(dir + "/" + manifestName, limit: 16 << 20) else { return [] }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { line in
            let parts = line.split(separator: "\t")
            guard parts.count >= 2, parts[0] == "file", !parts[1].contains(".."), !parts[1].hasPrefix("/") else { return nil }
            return String(parts[1])
        }
    }

    static func makeDirectory(_ path: String) throws {
        if FileIO.isDirectory(path) { return }
        let parent = FileIO.directory(of: path)
        if parent != path && !parent.isEmpty && !FileIO.exists(parent) { try makeDirectory(parent) }
        if mkdir(path, 0o777) != 0 && errno != EEXIST {
            throw DotError("cannot make the folder \(path): \(String(cString: strerror(errno)))")
        }
    }

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        let cwd = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return path == "." ? cwd : cwd + "/" + (path.hasPrefix("./") ? String(path.dropFirst(2)) : path)
    }

    // MARK: - Mapping

    /// Where relationships come from: a reference column, or a relation kind's rows.
    enum Source: Hashable {
        case column(Int, Int)
        case relation(Int)
    }

    /// A relation kind's (anchor, target) when it is written as relationships: both exist and
    /// every row names both.
    func relationshipShape(_ k: Int) -> (Int, Int)? {
        let kind = g.kinds[k]
        guard !kind.role.isNamed,
              let anchor = kind.locationColumn ?? kind.columns.firstIndex(where: { $0.type.isRef }),
              let target = kind.columns.indices.first(where: { $0 != anchor && kind.columns[$0].type.isRef }) else { return nil }
        let a = kind.idColumn(anchor), t = kind.idColumn(target)
        for r in 0..<kind.rowCount where a[r] == Null.id || t[r] == Null.id { return nil }
        return (anchor, target)
    }

    /// The type of every relationship source: a relation kind's name or a column's, in
    /// capitals. A column's type that would be a node label too (ignoring case: Kùzu keeps one
    /// namespace for both) takes `HAS_` (`enterprise.city` → `HAS_CITY`); one that would clash
    /// with a relation kind's type (whose relationships carry columns) is prefixed with its
    /// kind (`EVENT_AWARD`).
    func relationshipTypes() -> [Source: String] {
        var out: [Source: String] = [:]
        var labels = Set<String>()
        for (k, kind) in g.kinds.enumerated() where kind.role.isNamed || relationshipShape(k) == nil {
            labels.insert(kind.name.lowercased())
        }
        var relationTypes = Set<String>()
        for (k, _) in g.kinds.enumerated() where relationshipShape(k) != nil {
            let t = Self.typeName(g.kinds[k].name)
            out[.relation(k)] = t
            relationTypes.insert(t)
        }
        for (k, kind) in g.kinds.enumerated() {
            for (c, col) in kind.columns.enumerated() where col.type.isRef {
                if !kind.role.isNamed && relationshipShape(k) != nil { continue }
                var t = Self.typeName(col.name)
                if labels.contains(t.lowercased()) { t = "HAS_" + t }
                if relationTypes.contains(t) { t = Self.typeName(kind.name) + "_" + t }
                out[.column(k, c)] = t
            }
        }
        return out
    }

    static func typeName(_ s: String) -> String { s.uppercased() }

    /// The properties of a kind's plain (not reference) columns, renamed where they would clash
    /// with the properties the export adds, typed from their values.
    func plainProperties(_ k: Int, except skipped: Set<Int> = [], referencesAsIDs: Bool = false) -> [(column: Int, property: Property)] {
        let kind = g.kinds[k]
        var taken: Set<String> = ["id", "source", "paragraph", "name", "aliases"]
        var out: [(Int, Property)] = []
        for (c, col) in kind.columns.enumerated() where !skipped.contains(c) {
            let type: PropertyType
            switch col.type {
            case .ref: guard referencesAsIDs else { continue }; type = .string
            case .text: type = .string
            case .number: type = .double
            case .int:
                type = kind.intColumn(c).allSatisfy { $0 == Null.int || ($0 >= Int64(Int32.min) && $0 <= Int64(Int32.max)) } ? .int : .long
            case .date:
                type = kind.intColumn(c).allSatisfy { $0 == Null.int || ($0 % 100 != 0 && ($0 / 100) % 100 != 0) } ? .date : .string
            }
            var name = col.name
            while taken.contains(name.lowercased()) { name += "_" }
            taken.insert(name.lowercased())
            out.append((c, Property(name: name, type: type)))
        }
        return out
    }

    static let provenance = [Property(name: "source", type: .stringList), Property(name: "paragraph", type: .intList)]

    // MARK: - Files

    /// A named kind's node file.
    func entityNodes(_ k: Int) throws -> (File, [UInt8]) {
        let kind = g.kinds[k]
        let props = plainProperties(k)
        let properties = [Property(name: "name", type: .string), Property(name: "aliases", type: .stringList)] + props.map(\.property) + Self.provenance
        let header = ["id:ID", ":LABEL"] + properties.map(\.header)
        var out = CSVText()
        out.row(header)
        for r in 0..<kind.rowCount {
            if r & 0x3FFF == 0x3FFF && isCancelled() { throw OutputStop.cancelled }
            let e = kind.entityOfRow[r]
            let name = g.name(of: e)
            out.field(name, first: true)
            out.field(kind.name)
            out.field(name)
            out.list(g.aliases(of: e), listDelimiter)
            for (c, _) in props { cell(&out, k, c, r) }
            provenanceFields(&out, k, r)
            out.end()
        }
        let file = File(path: "nodes/\(Self.fileName(kind.name)).csv", header: header, properties: properties, rows: kind.rowCount, label: kind.name)
        return (file, out.bytes)
    }

    /// A relation kind's rows as nodes (`stat#12`).
    func rowNodes(_ k: Int) throws -> (File, [UInt8]) {
        let kind = g.kinds[k]
        let props = plainProperties(k)
        let properties = props.map(\.property) + Self.provenance
        let header = ["id:ID", ":LABEL"] + properties.map(\.header)
        var out = CSVText()
        out.row(header)
        for r in 0..<kind.rowCount {
            if r & 0x3FFF == 0x3FFF && isCancelled() { throw OutputStop.cancelled }
            out.field(rowID(k, r), first: true)
            out.field(kind.name)
            for (c, _) in props { cell(&out, k, c, r) }
            provenanceFields(&out, k, r)
            out.end()
        }
        let file = File(path: "nodes/\(Self.fileName(kind.name)).csv", header: header, properties: properties, rows: kind.rowCount, label: kind.name)
        return (file, out.bytes)
    }

    /// The node id of a relation row written as a node.
    func rowID(_ k: Int, _ r: Int) -> String { "\(g.kinds[k].name)#\(r + 1)" }

    /// A reference column's relationships, one file per kind of the entities it names.
    func referenceRelationships(_ k: Int, _ c: Int, type: String) throws -> [(File, [UInt8])] {
        let kind = g.kinds[k]
        let ids = kind.idColumn(c)
        let header = [":START_ID", ":END_ID", ":TYPE"]
        var byTarget: [Int: (text: CSVText, rows: Int)] = [:]
        var order: [Int] = []
        for r in 0..<kind.rowCount {
            if r & 0x3FFF == 0x3FFF && isCancelled() { throw OutputStop.cancelled }
            let target = ids[r]
            if target == Null.id { continue }
            let tk = Int(g.entityKind[Int(target)])
            if byTarget[tk] == nil {
                var t = CSVText()
                t.row(header)
                byTarget[tk] = (t, 0)
                order.append(tk)
            }
            let from = kind.role.isNamed ? g.name(of: kind.entityOfRow[r]) : rowID(k, r)
            byTarget[tk]!.text.field(from, first: true)
            byTarget[tk]!.text.field(g.name(of: target))
            byTarget[tk]!.text.field(type)
            byTarget[tk]!.text.end()
            byTarget[tk]!.rows += 1
        }
        return order.map { tk in
            let (text, rows) = byTarget[tk]!
            let file = File(path: relationshipPath(kind.name, type, g.kinds[tk].name), header: header, properties: [], rows: rows,
                            type: type, from: kind.name, to: g.kinds[tk].name)
            return (file, text.bytes)
        }
    }

    /// A relation kind's rows as relationships anchor → target, one file per pair of kinds.
    func relationRelationships(_ k: Int, anchor: Int, target: Int, type: String) throws -> [(File, [UInt8])] {
        let kind = g.kinds[k]
        let props = plainProperties(k, except: [anchor, target], referencesAsIDs: true)
        let properties = props.map(\.property) + Self.provenance
        let header = [":START_ID", ":END_ID", ":TYPE"] + properties.map(\.header)
        let a = kind.idColumn(anchor), t = kind.idColumn(target)
        var byPair: [Int: (text: CSVText, rows: Int)] = [:]
        var order: [Int] = []
        let kinds = g.kinds.count
        for r in 0..<kind.rowCount {
            if r & 0x3FFF == 0x3FFF && isCancelled() { throw OutputStop.cancelled }
            let pair = Int(g.entityKind[Int(a[r])]) * kinds + Int(g.entityKind[Int(t[r])])
            if byPair[pair] == nil {
                var text = CSVText()
                text.row(header)
                byPair[pair] = (text, 0)
                order.append(pair)
            }
            byPair[pair]!.text.field(g.name(of: a[r]), first: true)
            byPair[pair]!.text.field(g.name(of: t[r]))
            byPair[pair]!.text.field(type)
            for (c, _) in props { cell(&byPair[pair]!.text, k, c, r) }
            provenanceFields(&byPair[pair]!.text, k, r)
            byPair[pair]!.text.end()
            byPair[pair]!.rows += 1
        }
        return order.map { pair in
            let (text, rows) = byPair[pair]!
            let from = g.kinds[pair / kinds].name, to = g.kinds[pair % kinds].name
            let file = File(path: relationshipPath(from, type, to), header: header, properties: properties, rows: rows,
                            type: type, from: from, to: to)
            return (file, text.bytes)
        }
    }

    func relationshipPath(_ from: String, _ type: String, _ to: String) -> String {
        "relationships/\(Self.fileName(from))-\(Self.fileName(type))-\(Self.fileName(to)).csv"
    }

    /// A name as a file name: as it is, but for `/` and control characters.
    static func fileName(_ s: String) -> String {
        String(s.map { $0 == "/" || $0 == "\\" || ($0.asciiValue.map { $0 < 0x20 } ?? false) ? "_" : $0 })
    }

    /// One cell of a plain column (or a reference written as the entity's id).
    func cell(_ out: inout CSVText, _ k: Int, _ c: Int, _ r: Int) {
        switch g.value(kind: k, column: c, row: r) {
        case .null: out.null()
        case .text(let id): out.field(g.strings.string(id))
        case .string(let s): out.field(s)
        case .int(let v): out.raw(String(v))
        case .number(let d):
            if let text = FactsWriter.decimal(d) { out.raw(text) } else { out.null() }
        case .date(let d): out.raw(Self.isoDate(d))
        case .entity(let e): out.field(g.name(of: e))
        }
    }

    func provenanceFields(_ out: inout CSVText, _ k: Int, _ r: Int) {
        let p = g.kinds[k].provenance(r)
        if p.isEmpty {
            out.null()
            out.null()
            return
        }
        out.list(p.map { g.name(of: $0.source) }, listDelimiter)
        out.list(p.map { String($0.paragraph) }, listDelimiter)
    }

    /// `yyyy`, `yyyy-mm` or `yyyy-mm-dd`, the year always four digits.
    static func isoDate(_ d: Int64) -> String {
        let y = d / 10000, m = (d / 100) % 100, day = d % 100
        func pad(_ x: Int64, _ w: Int) -> String { let s = String(x); return String(repeating: "0", count: max(0, w - s.count)) + s }
        if m == 0 { return pad(y, 4) }
        if day == 0 { return pad(y, 4) + "-" + pad(m, 2) }
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(day, 2)
    }

    /// `;` (Neo4j's default), unless an alias or a source name holds one.
    func chooseListDelimiter() -> Character {
        let candidates: [Character] = [";", "|", "¦", "\u{1F}"]
        var used = Set<Character>()
        for e in 0..<g.entityCount where g.entityKind[e] == UInt16(g.sourceKind) || !g.aliases(of: EntityID(e)).isEmpty {
            for text in g.entityKind[e] == UInt16(g.sourceKind) ? [g.name(of: EntityID(e))] : g.aliases(of: EntityID(e)) {
                for ch in text where candidates.contains(ch) { used.insert(ch) }
            }
        }
        return candidates.first { !used.contains($0) } ?? ";"
    }

    // MARK: - Import scripts

    func neo4jScript() -> String {
        var s = "#!/bin/sh\n"
        s += "# Loads this folder into a new Neo4j database with Neo4j 5's bulk importer (docs/EXPORT.md).\n"
        s += "#   sh neo4j-import.sh [DATABASE]     (default: neo4j; the database must be stopped)\n"
        s += "# Extra arguments after DATABASE go to neo4j-admin (e.g. --verbose).\n"
        s += "set -e\ncd \"$(dirname \"$0\")\"\ndb=\"${1:-neo4j}\"\n[ $# -gt 0 ] && shift\n"
        s += "exec neo4j-admin database import full \"$db\" --overwrite-destination=true \\\n"
        s += "  --id-type=string --multiline-fields=true --array-delimiter=\(Self.shellQuoted(String(listDelimiter))) \\\n"
        for f in nodeFiles { s += "  --nodes=\(Self.shellQuoted(f.path)) \\\n" }
        for f in relationshipFiles { s += "  --relationships=\(Self.shellQuoted(f.path)) \\\n" }
        s += "  \"$@\"\n"
        return s
    }

    func kuzuScript() -> String {
        var s = "// Loads this folder into a Kùzu database (docs/EXPORT.md). From this folder:\n"
        s += "//   kuzu DATABASE < kuzu.cypher\n"
        s += "// A list field (aliases, source, paragraph) is text with its items joined by '\(listDelimiter)';\n"
        s += "// the :LABEL and :TYPE columns are the properties label_ and type_.\n"
        for f in nodeFiles {
            let columns = ["id STRING", "`label_` STRING"] + f.properties.map { "\(Self.cypherName($0.name)) \($0.type.kuzu)" }
            s += "CREATE NODE TABLE \(Self.cypherName(f.label!))(\(columns.joined(separator: ", ")), PRIMARY KEY (id));\n"
        }
        var types: [String] = []
        var byType: [String: [File]] = [:]
        for f in relationshipFiles {
            if byType[f.type!] == nil { types.append(f.type!) }
            byType[f.type!, default: []].append(f)
        }
        for t in types {
            let files = byType[t]!
            var parts = files.map { "FROM \(Self.cypherName($0.from!)) TO \(Self.cypherName($0.to!))" }
            parts.append("`type_` STRING")
            parts += files[0].properties.map { "\(Self.cypherName($0.name)) \($0.type.kuzu)" }
            s += "CREATE REL TABLE \(Self.cypherName(t))(\(parts.joined(separator: ", ")));\n"
        }
        for f in nodeFiles {
            s += "COPY \(Self.cypherName(f.label!)) FROM \(Self.cypherString(f.path)) (header=true);\n"
        }
        for t in types {
            for f in byType[t]! {
                s += "COPY \(Self.cypherName(t)) FROM \(Self.cypherString(f.path)) (from=\(Self.cypherString(f.from!)), to=\(Self.cypherString(f.to!)), header=true);\n"
            }
        }
        return s
    }

    func memgraphScript(directory: String) -> String {
        var s = "// Loads this folder into Memgraph with LOAD CSV (docs/EXPORT.md):\n"
        s += "//   mgconsole < memgraph.cypherl\n"
        s += "// The paths are where the files were written; a Memgraph server in a container must see them\n"
        s += "// at the same path (docker run -v \(directory):\(directory) …).\n"
        let d = String(listDelimiter)
        func value(_ p: Property, _ field: String) -> String {
            let v = "row.\(Self.cypherName(field))"
            switch p.type {
            case .string: return v
            case .int, .long: return "toInteger(\(v))"
            case .double: return "toFloat(\(v))"
            case .date: return "CASE WHEN \(v) IS NULL THEN NULL ELSE date(\(v)) END"
            case .stringList: return "split(\(v), \(Self.cypherString(d)))"
            case .intList: return "CASE WHEN \(v) IS NULL THEN NULL ELSE [x IN split(\(v), \(Self.cypherString(d))) | toInteger(x)] END"
            }
        }
        for f in nodeFiles {
            s += "CREATE INDEX ON :\(Self.cypherName(f.label!))(id);\n"
        }
        for f in nodeFiles {
            var props = ["id: row.`id:ID`"]
            props += f.properties.map { "\(Self.cypherName($0.name)): \(value($0, $0.header))" }
            s += "LOAD CSV FROM \(Self.cypherString(directory + "/" + f.path)) WITH HEADER NULLIF \"\" AS row "
            s += "CREATE (:\(Self.cypherName(f.label!)) {\(props.joined(separator: ", "))});\n"
        }
        for f in relationshipFiles {
            let props = f.properties.map { "\(Self.cypherName($0.name)): \(value($0, $0.header))" }
            s += "LOAD CSV FROM \(Self.cypherString(directory + "/" + f.path)) WITH HEADER NULLIF \"\" AS row "
            s += "MATCH (a:\(Self.cypherName(f.from!)) {id: row.`:START_ID`}), (b:\(Self.cypherName(f.to!)) {id: row.`:END_ID`}) "
            s += "CREATE (a)-[:\(Self.cypherName(f.type!))" + (props.isEmpty ? "" : " {\(props.joined(separator: ", "))}") + "]->(b);\n"
        }
        return s
    }

    func duckdbScript() -> String {
        var s = "-- Loads this folder into DuckDB (docs/EXPORT.md). From this folder:\n"
        s += "--   duckdb graph.duckdb < duckdb.sql\n"
        s += "-- One table per file (node_KIND, rel_FROM_TYPE_TO), columns named as in the CSV headers;\n"
        s += "-- the views nodes(id, label) and relationships(start_id, end_id, type) gather them.\n"
        func table(_ f: File) -> String {
            f.label != nil ? "node_" + f.label! : "rel_" + f.from! + "_" + f.type! + "_" + f.to!
        }
        func columns(_ f: File) -> String {
            let leading: [(String, String)] = f.label != nil ? [("id:ID", "VARCHAR"), (":LABEL", "VARCHAR")]
                : [(":START_ID", "VARCHAR"), (":END_ID", "VARCHAR"), (":TYPE", "VARCHAR")]
            let all = leading + f.properties.map { ($0.header, $0.type.duckdb) }
            return "{" + all.map { "\(Self.sqlString($0.0)): '\($0.1)'" }.joined(separator: ", ") + "}"
        }
        var nodeSelects: [String] = [], relSelects: [String] = []
        for f in nodeFiles + relationshipFiles {
            s += "CREATE TABLE \(Self.sqlName(table(f))) AS SELECT * FROM read_csv(\(Self.sqlString(f.path)), header = true, delim = ',', quote = '\"', escape = '\"', auto_detect = false, columns = \(columns(f)));\n"
            if f.label != nil {
                nodeSelects.append("SELECT \"id:ID\" AS id, \":LABEL\" AS label FROM \(Self.sqlName(table(f)))")
            } else {
                relSelects.append("SELECT \":START_ID\" AS start_id, \":END_ID\" AS end_id, \":TYPE\" AS type FROM \(Self.sqlName(table(f)))")
            }
        }
        s += "CREATE VIEW nodes AS " + (nodeSelects.isEmpty ? "SELECT NULL::VARCHAR AS id, NULL::VARCHAR AS label WHERE false" : nodeSelects.joined(separator: " UNION ALL ")) + ";\n"
        s += "CREATE VIEW relationships AS " + (relSelects.isEmpty ? "SELECT NULL::VARCHAR AS start_id, NULL::VARCHAR AS end_id, NULL::VARCHAR AS type WHERE false" : relSelects.joined(separator: " UNION ALL ")) + ";\n"
        return s
    }

    static func cypherName(_ s: String) -> String { "`" + s.replacingOccurrences("`", with: "``") + "`" }
    static func cypherString(_ s: String) -> String { "'" + s.replacingOccurrences("\\", with: "\\\\").replacingOccurrences("'", with: "\\'") + "'" }
    static func sqlName(_ s: String) -> String { "\"" + s.replacingOccurrences("\"", with: "\"\"") + "\"" }
    static func sqlString(_ s: String) -> String { "'" + s.replacingOccurrences("'", with: "''") + "'" }
    static func shellQuoted(_ s: String) -> String { "'" + s.replacingOccurrences("'", with: "'\\''") + "'" }
}

/// CSV text as RFC 4180 writes it: a field holding `,`, `"`, CR or LF is quoted, `"` doubled;
/// a null is an empty field, an empty text `""`; LF ends a record.
struct CSVText {
    private(set) var bytes: [UInt8] = []
    private var atRowStart = true

    mutating func separator() {
        if !atRowStart { bytes.append(0x2C) }
        atRowStart = false
    }

    mutating func field(_ s: String, first: Bool = false) {
        if first { atRowStart = true }
        separator()
        if s.isEmpty {
            bytes.append(0x22); bytes.append(0x22)
            return
        }
        var needsQuotes = false
        for b in s.utf8 where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D {
            needsQuotes = true
            break
        }
        guard needsQuotes else {
            bytes.append(contentsOf: s.utf8)
            return
        }
        bytes.append(0x22)
        for b in s.utf8 {
            if b == 0x22 { bytes.append(0x22) }
            bytes.append(b)
        }
        bytes.append(0x22)
    }

    /// A number or a date: never needs quotes.
    mutating func raw(_ s: String) {
        separator()
        bytes.append(contentsOf: s.utf8)
    }

    mutating func null() { separator() }

    mutating func list(_ items: [String], _ delimiter: Character) {
        if items.isEmpty { null(); return }
        field(items.joined(separator: String(delimiter)))
    }

    mutating func end() {
        bytes.append(0x0A)
        atRowStart = true
    }

    mutating func row(_ fields: [String]) {
        for (i, f) in fields.enumerated() { field(f, first: i == 0) }
        end()
    }
}

extension String {
    /// Every `target` replaced (without Foundation).
    func replacingOccurrences(_ target: Character, with replacement: String) -> String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for ch in self {
            if ch == target { out += replacement } else { out.append(ch) }
        }
        return out
    }
}
