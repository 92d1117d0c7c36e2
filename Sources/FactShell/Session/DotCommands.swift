import FactGraph
import FactIngest
import FactQuery

/// A dot-command's failure: what went wrong, and which argument (0-based) it is about.
struct DotError: Error {
    var message: String
    var argument: Int?
    init(_ message: String, argument: Int? = nil) {
        self.message = message
        self.argument = argument
    }
}

/// One dot-command. The registry below is the single table that dispatch, `.help`, completion
/// and `--safe` all read.
struct DotCommand: Sendable {
    let name: String
    /// Arguments, as shown by `.help`.
    let arguments: String
    let summary: String
    /// Writes a file (refused under `--safe`).
    let writesFiles: Bool
    /// Goes into the script that `.save` writes (it changes what later statements print).
    let replayable: Bool
    /// What completes after the command: nothing, file names, or fixed words.
    let completes: ArgumentCompletion
    /// The most arguments it takes; more is an error.
    var maxArguments: Int = .max
    let run: @Sendable (ShellSession, [String]) throws -> ShellSession.Outcome

    enum ArgumentCompletion: Sendable { case none, files, words([String]), relations, helpTopics }
}

enum DotCommands {
    static let modes = OutputMode.allCases.map(\.rawValue)
    static let commandNames = ["help", "schema", "tables", "mode", "headers", "nullvalue", "maxrows", "width", "pager", "timer",
                               "echo", "print", "output", "once", "read", "save", "param", "load", "import", "ingest", "export",
                               "bail", "history", "show", "quit", "exit"]

    static let all: [DotCommand] = [
        // USAGE: .help [COMMAND|TOPIC] — every command; one command's usage; a part of the
        //        language (.help where, .help summarize …: sections of docs/LANGUAGE.md).
        DotCommand(name: "help", arguments: "[COMMAND|TOPIC]", summary: "list dot-commands; one command's usage; .help where (summarize, count, path …) for the language",
                   writesFiles: false, replayable: false, completes: .helpTopics, maxArguments: 1) { s, a in
            if let name = a.first {
                s.emit(try help(topic: name, width: s.helpWidth))
            } else {
                s.emit(help(width: s.helpWidth))
            }
            return .ok
        },
        // USAGE: .schema [RELATION] — relations with their columns and row counts.
        DotCommand(name: "schema", arguments: "[RELATION]", summary: "relations and their columns",
                   writesFiles: false, replayable: false, completes: .relations, maxArguments: 1) { s, a in
            s.render(try schema(s, a.first)); return .ok
        },
        // USAGE: .tables [TEXT] — the relations' names (those containing TEXT), in columns.
        DotCommand(name: "tables", arguments: "[TEXT]", summary: "the relations (those whose name contains TEXT)",
                   writesFiles: false, replayable: false, completes: .relations, maxArguments: 1) { s, a in
            s.emit(tables(s, containing: a.first))
            return .ok
        },
        DotCommand(name: "mode", arguments: "[" + modes.joined(separator: "|") + "]", summary: "output mode (no argument: show it); a table too wide for the screen is shown as lines unless you chose table",
                   writesFiles: false, replayable: true, completes: .words(modes), maxArguments: 1) { s, a in
            guard let m = a.first else {
                s.emit(s.mode.rawValue + (s.mode == .table && !s.modeIsChosen ? " (line when too wide for the screen)" : "") + "\n")
                return .ok
            }
            switch OutputMode.named(m) {
            case .success(let mode): s.setMode(mode, explicitly: true)
            case .failure(let e): throw DotError(e.description)
            }
            return .ok
        },
        DotCommand(name: "headers", arguments: "on|off", summary: "column headers in output",
                   writesFiles: false, replayable: true, completes: .words(["on", "off"]), maxArguments: 1) { s, a in
            s.headers = try onOff(a, 0); return .ok
        },
        // USAGE: .nullvalue [TEXT] — how a missing value prints (sqlite3's .nullvalue); no
        //        argument: show it.
        DotCommand(name: "nullvalue", arguments: "[TEXT]", summary: "print missing values as TEXT (no argument: show it)",
                   writesFiles: false, replayable: true, completes: .none, maxArguments: 1) { s, a in
            guard let text = a.first else { s.emit("\"" + (s.nullValue ?? "") + "\"\n"); return .ok }
            s.nullValue = text
            return .ok
        },
        // USAGE: .maxrows [N|auto|off] — on an interactive screen, a longer result shows its
        //        first and last rows and the count: as many as fit (auto, the default), N, or
        //        all (off). Scripts, pipes, files and the data modes always get every row.
        DotCommand(name: "maxrows", arguments: "[N|auto|off]", summary: "rows of a long result shown on the screen: first and last ones and the count (auto: as fit)",
                   writesFiles: false, replayable: true, completes: .words(["auto", "off"]), maxArguments: 1) { s, a in
            guard let v = a.first else {
                switch s.rowLimit {
                case .automatic: s.emit("auto\n")
                case .off: s.emit("off\n")
                case .rows(let n): s.emit("\(n)\n")
                }
                return .ok
            }
            switch v.lowercased() {
            case "off", "0", "none": s.rowLimit = .off
            case "auto": s.rowLimit = .automatic
            default:
                guard let n = Int(v), n > 0 else { throw DotError("expected a positive whole number, 'auto' or 'off', found '\(v)'", argument: 0) }
                s.rowLimit = .rows(n)
            }
            return .ok
        },
        DotCommand(name: "width", arguments: "[N …]", summary: "maximum display width of each column (0 = automatic; no argument: reset)",
                   writesFiles: false, replayable: true, completes: .none) { s, a in
            var w: [Int] = []
            for (i, x) in a.enumerated() {
                guard let n = Int(x), n >= 0 else { throw DotError("expected a width (a whole number ≥ 0), found '\(x)'", argument: i) }
                w.append(n)
            }
            s.widths = w
            return .ok
        },
        // USAGE: .pager [on|off] — long results on the interactive screen go through $PAGER
        //        (less -RS when unset); no argument: show it.
        DotCommand(name: "pager", arguments: "[on|off]", summary: "send long results on the screen through $PAGER (default less -RS)",
                   writesFiles: false, replayable: false, completes: .words(["on", "off"]), maxArguments: 1) { s, a in
            if a.isEmpty { s.emit(s.pager ? "on\n" : "off\n"); return .ok }
            s.pager = try onOff(a, 0)
            return .ok
        },
        DotCommand(name: "timer", arguments: "on|off", summary: "print 'Run Time: real … user … sys …' on the screen after each statement",
                   writesFiles: false, replayable: false, completes: .words(["on", "off"]), maxArguments: 1) { s, a in
            s.timer = try onOff(a, 0); return .ok
        },
        DotCommand(name: "echo", arguments: "on|off", summary: "print each statement before running it",
                   writesFiles: false, replayable: false, completes: .words(["on", "off"]), maxArguments: 1) { s, a in
            s.echo = try onOff(a, 0); return .ok
        },
        DotCommand(name: "print", arguments: "[TEXT …]", summary: "print the text",
                   writesFiles: false, replayable: true, completes: .none) { s, a in
            s.emit(a.joined(separator: " ") + "\n"); return .ok
        },
        // USAGE: .output [FILE] — opens FILE at once (through a symbolic link, into a FIFO or a
        // device; an existing file keeps its mode and owner) and writes results as they come.
        DotCommand(name: "output", arguments: "[FILE]", summary: "send results to FILE as they come; no argument: back to the screen",
                   writesFiles: true, replayable: false, completes: .files, maxArguments: 1) { s, a in
            if let f = a.first {
                try s.openOutputFile(FileIO.expandTilde(f), once: false)
            } else {
                try s.closeOutputFile()
            }
            return .ok
        },
        DotCommand(name: "once", arguments: "FILE", summary: "send the next statement's results to FILE",
                   writesFiles: true, replayable: false, completes: .files, maxArguments: 1) { s, a in
            guard let f = a.first else { throw DotError("expected a file name") }
            try s.openOutputFile(FileIO.expandTilde(f), once: true)
            return .ok
        },
        DotCommand(name: "read", arguments: "FILE", summary: "run the statements in FILE",
                   writesFiles: false, replayable: true, completes: .files, maxArguments: 1) { s, a in
            guard let f = a.first else { throw DotError("expected a file name") }
            return try read(s, FileIO.expandTilde(f))
        },
        DotCommand(name: "save", arguments: "FILE", summary: "write this session's successful statements as a script",
                   writesFiles: true, replayable: false, completes: .files, maxArguments: 1) { s, a in
            guard let f = a.first else { throw DotError("expected a file name") }
            let script = "# factsh script saved from a session\n" + s.log.map { $0 + "\n" }.joined()
            do { try FileIO.writeAtomically(FileIO.expandTilde(f), Array(script.utf8)) } catch { throw DotError("cannot write \(error)", argument: 0) }
            s.emit("saved \(s.log.count) statement\(s.log.count == 1 ? "" : "s") to \(f)\n")
            return .ok
        },
        DotCommand(name: "param", arguments: "set NAME VALUE | unset NAME | list | clear", summary: "query parameters, used as $NAME",
                   writesFiles: false, replayable: true, completes: .words(["set", "unset", "list", "clear"])) { s, a in
            return try param(s, a)
        },
        DotCommand(name: "load", arguments: "FILE", summary: "add the facts in FILE to the graph (all or nothing)",
                   writesFiles: false, replayable: true, completes: .files, maxArguments: 1) { s, a in
            guard let f = a.first else { throw DotError("expected a .facts file") }
            let path = FileIO.expandTilde(f)
            let bytes: [UInt8]
            do { bytes = try FileIO.read(path) } catch { throw DotError("cannot read \(error)", argument: 0) }
            do {
                let g = try FactsReader.load([(f, bytes)], extending: s.graph)
                // A Ctrl-C while loading leaves the graph as it was.
                if s.cancellation.isRequested() { throw OutputStop.cancelled }
                s.replaceGraph(g, label: s.graphLabel.map { "\($0)+\(FileIO.baseName(f))" } ?? FileIO.baseName(f))
            } catch let stop as OutputStop {
                throw stop
            } catch {
                throw DotError("nothing loaded:\n\(error)")
            }
            return .ok
        },
        DotCommand(name: "import", arguments: "DIR", summary: "replace the graph with a folder of CSV files (docs/CSV.md)",
                   writesFiles: false, replayable: true, completes: .files, maxArguments: 1) { s, a in
            guard let d = a.first else { throw DotError("expected a folder of CSV files") }
            let path = FileIO.expandTilde(d)
            guard FileIO.isDirectory(path) else { throw DotError("'\(d)' is not a folder", argument: 0) }
            do {
                let g = try CSVImporter.load(directory: path)
                if s.cancellation.isRequested() { throw OutputStop.cancelled }
                s.replaceGraph(g, label: FileIO.baseName(d))
            } catch let stop as OutputStop {
                throw stop
            } catch {
                throw DotError("nothing imported:\n\(error)")
            }
            return .ok
        },
        // USAGE: .ingest FILE… — candidate facts from press releases, numbered for review;
        //        .ingest accept all|ROWS — add those rows to the graph (all or nothing);
        //        .ingest discard — drop the candidates. docs/INGEST.md.
        DotCommand(name: "ingest", arguments: "FILE… | accept all|ROWS | discard",
                   summary: "candidate facts from press releases; accept all or some rows to add them",
                   writesFiles: false, replayable: true, completes: .files) { s, a in
            try ingestCommand(s, a)
        },
        DotCommand(name: "export", arguments: "FILE | --neo4j DIR", summary: "write the graph in canonical .facts form, or as Neo4j bulk-import CSV (docs/EXPORT.md)",
                   writesFiles: true, replayable: false, completes: .files, maxArguments: 2) { s, a in
            if a.first == "--neo4j" { return try Neo4jExport.command(s, Array(a.dropFirst())) }
            if a.count > 1 { throw DotError("unexpected '\(a[1])': .export FILE, or .export --neo4j DIR", argument: 1) }
            guard let f = a.first else { throw DotError("expected a file name") }
            do { try FileIO.writeAtomically(FileIO.expandTilde(f), Array(FactsWriter.write(s.graph).utf8)) } catch {
                throw DotError("cannot write \(error)", argument: 0)
            }
            return .ok
        },
        DotCommand(name: "bail", arguments: "on|off", summary: "stop a script at its first error (on by default)",
                   writesFiles: false, replayable: false, completes: .words(["on", "off"]), maxArguments: 1) { s, a in
            s.bail = try onOff(a, 0); return .ok
        },
        DotCommand(name: "history", arguments: "", summary: "list the statements in the history",
                   writesFiles: false, replayable: false, completes: .none, maxArguments: 0) { s, _ in
            let entries = s.history?.entries ?? []
            var out = ""
            for (i, e) in entries.enumerated() {
                let n = String(i + 1)
                out += String(repeating: " ", count: max(0, 5 - n.count)) + n + "  " + e.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n       ") + "\n"
            }
            s.emit(out)
            return .ok
        },
        DotCommand(name: "show", arguments: "", summary: "current settings",
                   writesFiles: false, replayable: false, completes: .none, maxArguments: 0) { s, _ in
            let maxrows: String
            switch s.rowLimit {
            case .automatic: maxrows = "auto (a long result on the screen: its first and last rows)"
            case .off: maxrows = "off"
            case .rows(let n): maxrows = String(n)
            }
            let settings: [(String, String)] = [
                ("graph", "\(s.graphLabel ?? "built-in") (\(s.graph.entityCount) entities)"),
                ("mode", s.mode.rawValue + (s.mode == .table && !s.modeIsChosen ? " (line when too wide)" : "")),
                ("headers", s.headers ? "on" : "off"),
                ("nullvalue", "\"" + (s.nullValue ?? "") + "\""),
                ("maxrows", maxrows),
                ("width", s.widths.isEmpty ? "automatic" : s.widths.map(String.init).joined(separator: " ")),
                ("pager", s.pager ? "on" : "off"),
                ("timer", s.timer ? "on" : "off"),
                ("echo", s.echo ? "on" : "off"),
                ("bail", s.bail ? "on" : "off"),
                ("output", s.outputFile?.sink.name ?? "stdout"),
                ("safe", s.safe ? "on" : "off"),
            ]
            var out = ""
            for (name, value) in settings {
                out += String(repeating: " ", count: 9 - name.count) + name + ": " + value + "\n"
            }
            s.emit(out)
            return .ok
        },
        // USAGE: .quit [CODE] — leave the shell (with exit status CODE). In a .read file, .quit
        //        without CODE ends only that file.
        DotCommand(name: "quit", arguments: "[CODE]", summary: "leave (exit status CODE); in a .read file, end that file",
                   writesFiles: false, replayable: false, completes: .none, maxArguments: 1) { s, a in try quit(s, a) },
        DotCommand(name: "exit", arguments: "[CODE]", summary: "the same as .quit",
                   writesFiles: false, replayable: false, completes: .none, maxArguments: 1) { s, a in try quit(s, a) },
    ]

    // MARK: dispatch

    /// The command a typed name means: an exact name, or the one command it is a prefix of.
    static func lookup(_ typed: String) -> Result<DotCommand, DotError> {
        let t = typed.lowercased()
        if let c = all.first(where: { $0.name == t }) { return .success(c) }
        let m = all.filter { $0.name.hasPrefix(t) }
        if m.count == 1 { return .success(m[0]) }
        if m.count > 1 {
            return .failure(DotError("'.\(typed)' is ambiguous: " + m.map { "." + $0.name }.joined(separator: ", ")))
        }
        return .failure(DotError("unknown command '.\(typed)'" + didYouMean(typed, all.map(\.name), prefix: ".") + " (.help lists them)"))
    }

    static func didYouMean(_ w: String, _ among: [String], prefix: String = "") -> String {
        let s = Suggest.nearest(to: w, among: among)
        return s.isEmpty ? "" : " — did you mean " + s.map { "'\(prefix)\($0)'" }.joined(separator: ", ") + "?"
    }

    /// Splits a command line into words; "double" or 'single' quotes keep spaces.
    static func words(_ line: String) -> [String] {
        var out: [String] = []
        var cur = ""
        var quote: Character? = nil
        var inWord = false
        for ch in line {
            if let q = quote {
                if ch == q { quote = nil } else { cur.append(ch) }
                continue
            }
            if ch == "\"" || ch == "'" { quote = ch; inWord = true; continue }
            if ch == " " || ch == "\t" || ch == "\u{3000}" {
                if inWord { out.append(cur); cur = ""; inWord = false }
                continue
            }
            cur.append(ch)
            inWord = true
        }
        if inWord { out.append(cur) }
        return out
    }

    static func onOff(_ a: [String], _ i: Int) throws -> Bool {
        guard i < a.count else { throw DotError("expected 'on' or 'off'") }
        switch a[i].lowercased() {
        case "on", "yes", "true", "1": return true
        case "off", "no", "false", "0": return false
        default: throw DotError("expected 'on' or 'off', found '\(a[i])'", argument: i)
        }
    }

    /// `.help`: every dot-command with its arguments, then how to get the language's topics.
    static func help(width: Int = 80) -> String {
        var out = "Dot-commands (any unique prefix works: .he is ambiguous, .hel is .help):\n\n"
        for c in all { out += usageLine(c, width: width) }
        out += "\nThe language: " + TextWrap.fill(
            "statements are RELATION [where …] [show …] [order by …] [limit N], count RELATION [by …], describe X, "
                + "neighbors X, path X to Y, find TEXT. .help TOPIC explains each part, with examples: "
                + LanguageHelp.topicNames.joined(separator: ", ") + " (docs/LANGUAGE.md).",
            width: max(40, width - 14)).joined(separator: "\n              ") + "\n"
        return out
    }

    /// `.help NAME`: a command's usage, or a topic of the language. Throws for a name that is
    /// neither, as an unknown command does.
    static func help(topic typed: String, width: Int = 80) throws -> String {
        let name = (typed.hasPrefix(".") ? String(typed.dropFirst()) : typed).lowercased()
        if let c = all.first(where: { $0.name == name }) { return usageLine(c, width: width) }
        if let text = LanguageHelp.text(of: name, width: width) { return text + "\n" }
        // A unique prefix of a command (or, without a leading '.', of a topic).
        let commands = all.filter { $0.name.hasPrefix(name) }
        let topics = typed.hasPrefix(".") ? [] : LanguageHelp.topicNames.filter { $0.hasPrefix(name) }
        if commands.count + topics.count == 1 {
            if let c = commands.first { return usageLine(c, width: width) }
            return (LanguageHelp.text(of: topics[0], width: width) ?? "") + "\n"
        }
        if commands.count + topics.count > 1 {
            throw DotError("'\(typed)' is ambiguous: " + (commands.map { "." + $0.name } + topics).joined(separator: ", "))
        }
        let names = all.map(\.name) + LanguageHelp.topicNames
        throw DotError("no command or topic '\(typed)'" + didYouMean(name, names) + " (.help lists them)")
    }

    /// `.mode [table|csv|…]          output mode …`: the summary filled to `width` beside the
    /// usage (under it when the usage is long).
    static func usageLine(_ c: DotCommand, width: Int = 80) -> String {
        let column = 30
        let head = ".\(c.name)" + (c.arguments.isEmpty ? "" : " \(c.arguments)")
        let summary = c.summary + (c.writesFiles ? " (writes a file)" : "")
        let lines = TextWrap.fill(summary, width: max(30, width - column))
        let indent = String(repeating: " ", count: column)
        var out = head
        if DisplayWidth.of(head) >= column {
            out += "\n" + indent
        } else {
            out += String(repeating: " ", count: column - DisplayWidth.of(head))
        }
        out += lines.joined(separator: "\n" + indent) + "\n"
        return out
    }

    /// `.tables`: the relations' names in columns, as sqlite3 lists tables.
    static func tables(_ s: ShellSession, containing text: String?) -> String {
        var names = s.graph.kinds.map(\.plural)
        if let t = text?.lowercased() { names = names.filter { $0.lowercased().contains(t) } }
        guard !names.isEmpty else { return "" }
        let width = (names.map(DisplayWidth.of).max() ?? 0) + 2
        let perLine = max(1, s.helpWidth / width)
        var out = ""
        for (i, n) in names.enumerated() {
            let last = i % perLine == perLine - 1 || i == names.count - 1
            out += last ? n + "\n" : n + String(repeating: " ", count: width - DisplayWidth.of(n))
        }
        return out
    }

    /// `.quit [CODE]` / `.exit [CODE]`.
    static func quit(_ s: ShellSession, _ a: [String]) throws -> ShellSession.Outcome {
        if let code = a.first {
            guard let n = Int32(code), n >= 0, n <= 255 else {
                throw DotError("expected an exit status from 0 to 255, found '\(code)'", argument: 0)
            }
            s.requestedExitStatus = n
        }
        return .quit
    }

    static func schema(_ s: ShellSession, _ name: String?) throws -> ResultTable {
        let g = s.graph
        if let n = name {
            guard let k = g.kind(named: n) ?? g.kind(named: n + "s") else {
                throw DotError("unknown relation '\(n)'" + didYouMean(n, g.kinds.map(\.plural)), argument: 0)
            }
            let kind = g.kinds[k]
            var rows: [[Value]] = []
            if kind.role.isNamed {
                rows.append([.string("name"), .string("text"), .string("canonical name")])
                rows.append([.string("aliases"), .string("text"), .string("other names, matched exactly")])
            }
            for c in kind.columns {
                let t: String
                switch c.type {
                case .text: t = "text"
                case .int: t = "int"
                case .number: t = "number"
                case .date: t = "date"
                case .ref(.anyEntity): t = "→ any entity"
                case .ref(.anyPlace): t = "→ place"
                case .ref(.kind(let tk)): t = "→ \(g.kinds[tk].name)"
                }
                rows.append([.string(c.name), .string(t), c.isLocation ? .string("location: place filters roll up through it") : .null])
            }
            if kind.role == .place || kind.locationColumn != nil {
                for p in g.kinds where p.role == .place && kind.columns.first(where: { $0.name == p.name }) == nil {
                    rows.append([.string(p.name), .string("→ \(p.name)"), .string("derived: the \(p.name) it lies in")])
                }
            }
            rows.append([.string("source"), .string("text"), .string("document:paragraph where it was reported")])
            return ResultTable(graph: g, columns: ["column", "type", "note"], rows: rows)
        }
        let rows: [[Value]] = g.kinds.map { k in
            let cols = (k.role.isNamed ? ["name", "aliases"] : []) + k.columns.map(\.name)
            return [.string(k.plural), .string(k.role.rawValue), .int(Int64(k.rowCount)), .string(cols.joined(separator: ", "))]
        }
        return ResultTable(graph: g, columns: ["relation", "role", "rows", "columns"], rows: rows)
    }

    static func read(_ s: ShellSession, _ path: String) throws -> ShellSession.Outcome {
        guard s.readDepth < 16 else { throw DotError(".read nested more than 16 deep (does a file read itself?)") }
        let bytes: [UInt8]
        do { bytes = try FileIO.read(path, limit: 64 << 20) } catch { throw DotError("cannot read \(error)", argument: 0) }
        if bytes.contains(0) { throw DotError("'\(path)' is not a text file (it contains NUL bytes)", argument: 0) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DotError("'\(path)' is not valid UTF-8", argument: 0)
        }
        s.readDepth += 1
        defer { s.readDepth -= 1 }
        // What `.save` records: this `.read` (as typed) when the file ran through, else the
        // statements of it that succeeded — never both, so the saved script replays alike.
        let logged = s.log.count
        let r = s.runScript(text, name: path)
        // `.quit` ends the file; `.quit CODE` the session.
        if r.quit && s.requestedExitStatus != nil { return .quit }
        if r.ok || r.quit {
            s.log.removeSubrange(logged...)
            return .ok
        }
        return .failed
    }

    static func param(_ s: ShellSession, _ a: [String]) throws -> ShellSession.Outcome {
        guard let sub = a.first?.lowercased() else { throw DotError("expected set, unset, list or clear") }
        switch sub {
        case "set":
            guard a.count >= 3 else { throw DotError("usage: .param set NAME VALUE") }
            var name = a[1]
            if name.hasPrefix("$") { name.removeFirst() }
            s.parameters[name] = a[2...].joined(separator: " ")
        case "unset":
            guard a.count >= 2 else { throw DotError("usage: .param unset NAME") }
            var name = a[1]
            if name.hasPrefix("$") { name.removeFirst() }
            guard s.parameters.removeValue(forKey: name) != nil else { throw DotError("no parameter '\(name)'", argument: 1) }
        case "list":
            let rows: [[Value]] = s.parameters.sorted { $0.key < $1.key }.map { [.string("$" + $0.key), .string($0.value)] }
            s.render(ResultTable(graph: s.graph, columns: ["name", "value"], rows: rows))
        case "clear":
            s.parameters = [:]
        default:
            throw DotError("expected set, unset, list or clear, found '\(a[0])'", argument: 0)
        }
        return .ok
    }

    // MARK: completion

    static func complete(_ s: ShellSession, line: String, cursor: Int) -> Completion {
        let chars = Array(line)
        let cur = min(cursor, chars.count)
        var ws = cur
        while ws > 0 && chars[ws - 1] != " " { ws -= 1 }
        let word = String(chars[ws..<cur])
        let before = String(chars[..<ws]).trimmingSpaces()
        if before.isEmpty {
            // The command itself.
            let typed = word.hasPrefix(".") ? String(word.dropFirst()) : word
            return Completion(wordStart: ws, candidates: all.filter { $0.name.hasPrefix(typed.lowercased()) }.map { "." + $0.name + " " })
        }
        let name = String(before.split(separator: " ").first ?? "").dropFirst()
        guard case .success(let cmd) = lookup(String(name)) else { return Completion(wordStart: ws, candidates: []) }
        switch cmd.completes {
        case .none: return Completion(wordStart: ws, candidates: [])
        case .words(let w): return Completion(wordStart: ws, candidates: w.filter { $0.hasPrefix(word.lowercased()) }.map { $0 + " " })
        case .relations: return Completion(wordStart: ws, candidates: s.graph.kinds.map(\.plural).filter { $0.hasPrefix(word) }.map { $0 + " " })
        case .helpTopics:
            let names = commandNames + LanguageHelp.topicNames.filter { !commandNames.contains($0) }
            return Completion(wordStart: ws, candidates: names.filter { $0.hasPrefix(word.lowercased()) }.map { $0 + " " })
        case .files: return QuotedFileNames.complete(chars, cursor: cur)
        }
    }
}

extension ShellSession {
    func runDotCommand(_ text: String, origin: Origin) -> Outcome {
        var words = DotCommands.words(String(text.dropFirst()))
        guard !words.isEmpty else {
            complain(where_(origin) + "error: expected a command after '.' (.help lists them)")
            return .failed
        }
        let typed = words.removeFirst()
        let cmd: DotCommand
        switch DotCommands.lookup(typed) {
        case .success(let c): cmd = c
        case .failure(let e):
            complain(where_(origin) + "error: " + e.message)
            return .failed
        }
        if safe && cmd.writesFiles {
            complain(where_(origin) + "error: .\(cmd.name) writes files, which --safe does not allow")
            return .failed
        }
        if words.count > cmd.maxArguments {
            let extra = words[cmd.maxArguments...].map { "'\($0)'" }.joined(separator: " ")
            let usage = ".\(cmd.name)" + (cmd.arguments.isEmpty ? "" : " " + cmd.arguments)
            complain(where_(origin) + "error: .\(cmd.name): unexpected argument\(words.count - cmd.maxArguments == 1 ? "" : "s") \(extra) (usage: \(usage))")
            return .failed
        }
        do {
            let o = try cmd.run(self, words)
            if o == .ok && cmd.replayable { log.append(text) }
            return o
        } catch let stop as OutputStop {
            outputStop = stop
            return .failed
        } catch let e as DotError {
            var msg = where_(origin) + "error: .\(cmd.name): " + e.message
            if let i = e.argument, i < words.count { msg += " (argument \(i + 1): '\(words[i])')" }
            complain(msg)
            return .failed
        } catch {
            complain(where_(origin) + "error: .\(cmd.name): \(error)")
            return .failed
        }
    }

    func where_(_ o: Origin) -> String {
        guard let f = o.file else { return "" }
        return "\(f):\(o.line): "
    }
}

// MARK: .ingest

/// Candidates shown by `.ingest FILE…` and waiting for `.ingest accept`, per session.
final class PendingIngest: @unchecked Sendable {
    nonisolated(unsafe) static var bySession: [ObjectIdentifier: [IngestedDocument]] = [:]
}

extension DotCommands {
    static func ingestCommand(_ s: ShellSession, _ a: [String]) throws -> ShellSession.Outcome {
        guard let first = a.first else { throw DotError("expected press release files, or accept all|ROWS, or discard") }
        let key = ObjectIdentifier(s)
        if first == "discard" {
            PendingIngest.bySession[key] = nil
            return .ok
        }
        if first == "accept" {
            guard let docs = PendingIngest.bySession[key] else { throw DotError("nothing to accept: run .ingest FILE… first") }
            let count = docs.reduce(0) { $0 + $1.candidates.count }
            guard a.count > 1, let rows = ReviewTable.parseSelection(Array(a.dropFirst()), count: count), !rows.isEmpty else {
                throw DotError("expected 'all' or row numbers between 1 and \(count) (e.g. 1,3-5)", argument: a.count > 1 ? 1 : nil)
            }
            let chosen = ReviewTable.select(docs, rows: rows)
            let text = FactsOutput.write(chosen, linker: GraphLinker(graph: s.graph), omitLinked: true)
            do {
                let g = try FactsReader.load([("ingest", Array(text.utf8))], extending: s.graph)
                s.replaceGraph(g, label: (s.graphLabel ?? "built-in") + "+ingest")
            } catch {
                throw DotError("nothing added:\n\(error)")
            }
            PendingIngest.bySession[key] = nil
            s.emit("added \(Candidate.counts(chosen.flatMap(\.candidates))) to the graph\n")
            return .ok
        }
        let paths = IngestBatch.expand(a.map(FileIO.expandTilde))
        let ingest = Ingest(graph: s.graph)
        var docs: [IngestedDocument] = []
        for (i, r) in IngestBatch.run(paths, ingest: ingest).enumerated() {
            switch r {
            case .success(let d): docs.append(d)
            case .failure(let e): throw DotError("cannot read \(e)", argument: i < a.count ? i : nil)
            }
        }
        PendingIngest.bySession[key] = docs
        s.showIngestCandidates(docs, explain: false)
        let n = docs.reduce(0) { $0 + $1.candidates.count }
        s.emit(n == 0 ? "no candidates\n" : "\(n) candidate\(n == 1 ? "" : "s"): .ingest accept all, .ingest accept 1,3-5, or .ingest discard\n")
        return .ok
    }
}

extension ShellSession {
    /// Shows ingested candidates as a numbered table in the session's output mode.
    public func showIngestCandidates(_ docs: [IngestedDocument], explain: Bool) {
        let columns = ReviewTable.columns(explain: explain, multipleSources: docs.count > 1)
        let rows = ReviewTable.rows(docs, explain: explain).map { $0.map { Value.string($0) } }
        render(ResultTable(graph: graph, columns: columns, rows: rows))
    }
}
