import FactGraph

/// A command line's grammar as one table: the options, the positional arguments and the words
/// of its `--help` text. Parsing, the usage line, `--help` and every error message are made
/// from this one value (swift-argument-parser's idea, without its reflection: `factsh` starts in
/// a few milliseconds and the parser is a small part of them).
///
///     let spec = CommandLineSpec(name: "factsh", summary: "…", options: [
///         .init("command", short: "c", value: "STATEMENT", repeatable: true, help: "Run a statement and exit."),
///         .init("safe", help: "Refuse every command that writes a file."),
///     ], positionals: [.init("SCRIPT", help: "A script to run.")])
///     switch try spec.parse(["-c", "count awards"]) { … }
///
/// Accepted forms: `--name VALUE`, `--name=VALUE`, `-x VALUE`, single-dash long names declared
/// as such (`-cmd VALUE`, sqlite3's habit), `--` (everything after it is positional), and `-`
/// alone as a positional (standard input). Options and positionals may come in any order.
public struct CommandLineSpec: Sendable {
    /// One option.
    public struct Option: Sendable {
        /// The long name, without dashes (`"graph"` for `--graph`); also the key of its values.
        public let name: String
        /// `-x`.
        public let short: Character?
        /// Long names written with one dash (`"cmd"` for `-cmd`).
        public let singleDash: Bool
        /// The placeholder of its value (`"FILE"`); nil for a flag.
        public let valueName: String?
        /// May be given more than once (values are kept in order).
        public let repeatable: Bool
        public let help: String

        public init(_ name: String, short: Character? = nil, singleDash: Bool = false, value: String? = nil,
                    repeatable: Bool = false, help: String) {
            self.name = name
            self.short = short
            self.singleDash = singleDash
            self.valueName = value
            self.repeatable = repeatable
            self.help = help
        }

        /// How it is written: `-c, --command STATEMENT`, `-cmd STATEMENT`, `--safe`.
        var spelling: String {
            let long = (singleDash ? "-" : "--") + name
            let names = short.map { "-\($0), " + long } ?? long
            return valueName.map { names + " " + $0 } ?? names
        }

        /// The short form used in the usage line.
        var usageForm: String {
            let name = short.map { "-\($0)" } ?? ((singleDash ? "-" : "--") + self.name)
            let form = valueName.map { name + " " + $0 } ?? name
            return "[" + form + "]" + (repeatable ? "…" : "")
        }
    }

    /// A positional argument.
    public struct Positional: Sendable {
        public let name: String
        public let help: String
        /// Takes every remaining positional (`FILE…`).
        public let repeatable: Bool
        public let required: Bool
        public init(_ name: String, help: String, repeatable: Bool = false, required: Bool = false) {
            self.name = name
            self.help = help
            self.repeatable = repeatable
            self.required = required
        }
    }

    public let name: String
    public let summary: String
    /// Paragraphs after the summary in `--help` (pre-formatted lines, kept as they are).
    public let discussion: String
    public let options: [Option]
    public let positionals: [Positional]
    /// `--version` prints this when set.
    public let version: String?

    public init(name: String, summary: String, discussion: String = "", options: [Option], positionals: [Positional] = [],
                version: String? = nil) {
        self.name = name
        self.summary = summary
        self.discussion = discussion
        self.options = options
        self.positionals = positionals
        self.version = version
    }

    /// What a command line asked for.
    public enum Request: Sendable {
        case run(Parsed)
        case help
        case version
    }

    /// The values of a parsed command line, by option name.
    public struct Parsed: Sendable {
        /// Values of options with values, in order; a flag's entry holds one "" per use.
        public var values: [String: [String]] = [:]
        public var positionals: [String] = []

        public func flag(_ name: String) -> Bool { values[name] != nil }
        public func value(_ name: String) -> String? { values[name]?.last }
        public func all(_ name: String) -> [String] { values[name] ?? [] }
    }

    /// What is wrong with a command line. The wording is in `description`, in one place.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case unknownOption(String, suggestions: [String])
        case missingValue(option: String, valueName: String)
        case flagTakesNoValue(option: String)
        case repeated(option: String)
        case unexpectedArgument(String)
        case missingArgument(String)
        /// A value the option does not take; `reason` says why (`'xml' is not a mode …`).
        case invalidValue(option: String, reason: String)

        public var description: String {
            switch self {
            case .unknownOption(let o, let s):
                return "unknown option '\(o)'" + (s.isEmpty ? "" : " — did you mean " + s.map { "'\($0)'" }.joined(separator: ", ") + "?")
            case .missingValue(let o, let v): return "\(o) needs a value (\(o) \(v))"
            case .flagTakesNoValue(let o): return "\(o) takes no value"
            case .repeated(let o): return "\(o) may be given only once"
            case .unexpectedArgument(let a): return "unexpected argument '\(a)'"
            case .missingArgument(let a): return "missing \(a)"
            case .invalidValue(let o, let r): return "\(o): \(r)"
            }
        }
    }

    /// Parses `arguments` (without the program name).
    public func parse(_ arguments: [String]) throws(Problem) -> Request {
        var parsed = Parsed()
        var i = 0
        var onlyPositionals = false
        while i < arguments.count {
            let arg = arguments[i]
            i += 1
            if onlyPositionals || arg == "-" || !arg.hasPrefix("-") {
                parsed.positionals.append(arg)
                continue
            }
            if arg == "--" { onlyPositionals = true; continue }
            if arg == "--help" || arg == "-h" || arg == "-help" { return .help }
            if arg == "--version", version != nil { return .version }
            // The option and an attached value (`--format=csv`).
            var written = arg
            var attached: String? = nil
            if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
                written = String(arg[..<eq])
                attached = String(arg[arg.index(after: eq)...])
            }
            guard let option = find(written) else {
                throw .unknownOption(written, suggestions: suggestions(for: written))
            }
            let shown = written
            if option.valueName == nil {
                if attached != nil { throw .flagTakesNoValue(option: shown) }
                if parsed.values[option.name] != nil && !option.repeatable { throw .repeated(option: shown) }
                parsed.values[option.name, default: []].append("")
                continue
            }
            let value: String
            if let a = attached {
                value = a
            } else {
                guard i < arguments.count else { throw .missingValue(option: shown, valueName: option.valueName!) }
                value = arguments[i]
                i += 1
            }
            if parsed.values[option.name] != nil && !option.repeatable { throw .repeated(option: shown) }
            parsed.values[option.name, default: []].append(value)
        }
        // Positionals against their declarations.
        let takesMany = positionals.last?.repeatable ?? false
        if !takesMany && parsed.positionals.count > positionals.count {
            throw .unexpectedArgument(parsed.positionals[positionals.count])
        }
        for (k, p) in positionals.enumerated() where p.required && parsed.positionals.count <= k {
            throw .missingArgument(p.name + (p.repeatable ? "…" : ""))
        }
        return .run(parsed)
    }

    /// The option `written` names (`--graph`, `-c`, `-cmd`).
    func find(_ written: String) -> Option? {
        if written.hasPrefix("--") {
            let n = written.dropFirst(2)
            return options.first { !$0.singleDash && $0.name == n }
        }
        let n = written.dropFirst()
        if let o = options.first(where: { $0.singleDash && $0.name == n }) { return o }
        if n.count == 1 { return options.first { $0.short == n.first } }
        return nil
    }

    func suggestions(for written: String) -> [String] {
        var all: [String] = []
        for o in options {
            all.append((o.singleDash ? "-" : "--") + o.name)
            if let s = o.short { all.append("-\(s)") }
        }
        all.append("--help")
        if version != nil { all.append("--version") }
        // `-format` for `--format`: a missing dash is the likeliest slip.
        if written.hasPrefix("-") && !written.hasPrefix("--"), all.contains("-" + written) { return ["-" + written] }
        return Suggest.nearest(to: written, among: all.filter { $0.count > 2 }, limit: 2)
    }

    // MARK: text

    /// `Usage: factsh [SCRIPT | -] [-c STATEMENT]… …`
    public var usage: String {
        var parts = [name]
        for p in positionals {
            let form = p.name + (p.repeatable ? "…" : "")
            parts.append(p.required ? form : "[" + form + "]")
        }
        for o in options { parts.append(o.usageForm) }
        return wrap("Usage: " + parts.joined(separator: " "), width: 80, indent: 7 + name.count + 1)
    }

    /// The whole `--help` text.
    public var helpText: String {
        var out = wrap(summary, width: 80, indent: 0) + "\n\n"
        out += usage + "\n"
        if !positionals.isEmpty {
            out += "\nArguments:\n"
            for p in positionals { out += item(p.name + (p.repeatable ? "…" : ""), p.help) }
        }
        out += "\nOptions:\n"
        for o in options { out += item(o.spelling, o.help) }
        out += item("-h, --help", "Show this help.")
        if version != nil { out += item("--version", "Show the version.") }
        if !discussion.isEmpty { out += "\n" + discussion + (discussion.hasSuffix("\n") ? "" : "\n") }
        return out
    }

    /// What a usage error prints (once): the problem, the usage line, where to read more.
    public func errorText(_ problem: Problem) -> String {
        "\(name): error: \(problem)\n\(usage)\nRun '\(name) --help' for more.\n"
    }

    /// `  -c, --command STATEMENT   Run …`, the help wrapped and aligned at column 28.
    func item(_ head: String, _ help: String) -> String {
        let column = 28
        let lead = "  " + head
        let text = wrap(help, width: 80 - column, indent: 0)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var out = ""
        if lead.count + 2 > column {
            out += lead + "\n" + lines.map { String(repeating: " ", count: column) + $0 }.joined(separator: "\n") + "\n"
        } else {
            out += lead + String(repeating: " ", count: column - lead.count) + lines.first! + "\n"
            for l in lines.dropFirst() { out += String(repeating: " ", count: column) + l + "\n" }
        }
        return out
    }

    /// Fills words into lines of at most `width` display columns; later lines are indented.
    func wrap(_ text: String, width: Int, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        var first = true
        var out: [String] = []
        // The first line has the whole width, the others `width - indent`.
        var rest = Substring(text)
        while !rest.isEmpty {
            let room = first ? width : width - indent
            let line = TextWrap.fill(String(rest), width: room).first ?? ""
            out.append(first ? line : pad + line)
            rest = rest.dropFirst(min(rest.count, line.count))
            while rest.first == " " { rest = rest.dropFirst() }
            first = false
            if line.isEmpty { break }
        }
        return out.joined(separator: "\n")
    }
}
