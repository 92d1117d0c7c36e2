// swift-tools-version: 6.0
import PackageDescription

// Module layout mirrors the architecture:
//   FactGraph    — the store, the .facts format, the CSV importer (knows nothing of terminals)
//   FactQuery    — the query language: lexer, parser, resolver, planner/evaluator
//   FactShell    — the shell: line editor, renderers, dot-commands (wires input to FactQuery)
//   CLibEdit     — system library target for libedit (+ fixed-argument shims, no state)
//   CSignals     — the process's signal flags and handlers, in one real C file
//   BuiltinGraph — the built-in graph, embedded in the binary
//   ChineseText  — text decoding (UTF-8/GB18030), traditional→simplified, full-width (a leaf)
//   FactIngest   — press releases → candidate facts (rules, gazetteer, honor lexicon)
//   factsh       — the command line (its own small parser: CommandLineSpec in FactShell)
//   factsh-bench — the benchmark against sqlite3
let package = Package(
    name: "factsh",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "factsh", targets: ["factsh"]),
        .executable(name: "factsh-bench", targets: ["factsh-bench"]),
    ],
    dependencies: [],
    targets: [
        .target(name: "FactGraph", dependencies: ["ChineseText", "CMemory"]),
        .target(name: "ChineseText"),
        .target(name: "FactIngest", dependencies: ["ChineseText", "FactGraph"]),
        .target(name: "BuiltinGraph", dependencies: ["FactGraph"], resources: [.embedInCode("builtin.facts")]),
        .target(name: "FactQuery", dependencies: ["FactGraph", "ChineseText", "CMemory"]),
        // glibc's malloc tuning and the prefetch hint, which Swift cannot declare by itself.
        .target(name: "CMemory"),
        .systemLibrary(
            name: "CLibEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        .target(name: "CSignals", linkerSettings: [.linkedLibrary("edit")]),
        // `.help TOPIC` prints sections of docs/LANGUAGE.md, embedded from the symbolic link
        // Help/LANGUAGE.md (resources must lie inside the target): one text for both.
        .target(name: "FactShell", dependencies: ["FactGraph", "FactQuery", "CLibEdit", "CSignals", "CMemory", "FactIngest"],
                resources: [.embedInCode("Help/LANGUAGE.md")]),
        .executableTarget(
            name: "factsh",
            dependencies: [
                "FactShell", "FactGraph", "FactQuery", "BuiltinGraph", "FactIngest", "CMemory",
            ],
            // A statically linked executable: no dynamic loader, no relocations of a 22 MB
            // binary and its libraries at start-up (the prompt comes 1.3 ms sooner, measured on a
            // pseudo-terminal: 2.65 against 3.99 ms). libedit's own libraries, linked statically
            // with it, are named here (Debian's libedit-dev brings their static archives).
            linkerSettings: [.unsafeFlags(["-static-executable", "-Xlinker", "-ltinfo", "-Xlinker", "-lbsd", "-Xlinker", "-lmd"])]
        ),
        .executableTarget(
            name: "factsh-bench",
            dependencies: ["FactGraph", "FactQuery"],
            swiftSettings: [.unsafeFlags(["-Ounchecked"])]
        ),
        .testTarget(name: "FactGraphTests", dependencies: ["FactGraph", "BuiltinGraph"]),
        .testTarget(name: "FactQueryTests", dependencies: ["FactQuery", "FactGraph", "BuiltinGraph"]),
        .testTarget(name: "FactShellTests", dependencies: ["FactShell", "FactQuery", "FactGraph", "BuiltinGraph"]),
        .testTarget(name: "EndToEndTests", dependencies: []),
        .testTarget(name: "ChineseTextTests", dependencies: ["ChineseText"]),
        .testTarget(name: "FactIngestTests", dependencies: ["FactIngest", "ChineseText", "FactGraph", "BuiltinGraph"], resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
