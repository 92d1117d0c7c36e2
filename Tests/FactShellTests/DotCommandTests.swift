import Testing
import BuiltinGraph
@testable import FactShell

@Suite struct DotCommandTests {
    @Test func completionListMatchesTheDispatchTable() {
        #expect(DotCommands.commandNames == DotCommands.all.map(\.name))
    }

    @Test func uniquePrefixesDispatch() {
        for (typed, name) in [("mo", "mode"), ("hel", "help"), ("hea", "headers"), ("q", "quit"), ("sch", "schema"), ("ti", "timer")] {
            guard case .success(let c) = DotCommands.lookup(typed) else { Issue.record("\(typed)"); continue }
            #expect(c.name == name)
        }
        guard case .failure(let e) = DotCommands.lookup("he") else { Issue.record("he is ambiguous"); return }
        #expect(e.message == "'.he' is ambiguous: .help, .headers")
        guard case .failure(let u) = DotCommands.lookup("modee") else { Issue.record("modee is unknown"); return }
        #expect(u.message.contains("did you mean '.mode'"))
    }

    @Test func helpIsGeneratedFromTheTable() throws {
        let h = DotCommands.help()
        for c in DotCommands.all { #expect(h.contains(".\(c.name)"), "\(c.name)") }
        #expect(try DotCommands.help(topic: "mode").hasPrefix(".mode [table|csv|tsv|json|jsonl|markdown|line|dot|svg|png]"))
        #expect(try DotCommands.help(topic: ".mode").hasPrefix(".mode ["))
        // .help alone says how to get the language's topics.
        #expect(h.contains(".help TOPIC") && h.contains("where") && h.contains("summarize"))
    }

    @Test func wordsRespectQuotes() {
        #expect(DotCommands.words("param set city \"济宁 市\"") == ["param", "set", "city", "济宁 市"])
        #expect(DotCommands.words("output 'a b.txt'") == ["output", "a b.txt"])
    }

    @Test func argumentCompletion() throws {
        let s = ShellSession(graph: try BuiltinGraph.load())
        #expect(s.complete(line: ".mo", cursor: 3).candidates == [".mode "])
        #expect(s.complete(line: ".mode js", cursor: 8).candidates == ["json ", "jsonl "])
        #expect(s.complete(line: ".schema aw", cursor: 10).candidates == ["awards "])
        #expect(s.complete(line: ".headers o", cursor: 10).candidates == ["on ", "off "])
        // .help completes commands and the language's topics.
        #expect(s.complete(line: ".help wh", cursor: 8).candidates == ["where "])
        #expect(s.complete(line: ".help su", cursor: 8).candidates == ["summarize "])
    }
}

/// The built-in graph read on a thread of its own while the prompt is up.
@Suite struct BackgroundLoadTests {
    @Test func theValueIsWaitedForOnce() {
        let load = BackgroundLoad { (1...1000).reduce(0, +) }
        #expect(load.value == 500500)
        #expect(load.value == 500500)
    }

    @Test func aSessionReadsItsGraphOnlyWhenFirstNeeded() throws {
        final class Counter: @unchecked Sendable { var calls = 0 }
        let counter = Counter()
        let graph = try BuiltinGraph.load()
        let s = ShellSession(loadingGraph: { counter.calls += 1; return graph })
        s.parameters["city"] = "济宁"            // before the graph: kept for the engine
        #expect(counter.calls == 0)
        #expect(s.prompt == "factsh> ")
        _ = s.complete(line: "aw", cursor: 2)     // completion needs the graph
        #expect(counter.calls == 1)
        #expect(s.engine.parameters == ["city": "济宁"])
        _ = s.graph
        #expect(counter.calls == 1)
    }

    @Test func theBackgroundReadStartsWhenTheEditorFirstWaits() throws {
        final class Counter: @unchecked Sendable { var starts = 0 }
        let counter = Counter()
        let graph = try BuiltinGraph.load()
        let s = ShellSession(loadingGraph: { graph }, startLoading: { counter.starts += 1 })
        #expect(counter.starts == 0)              // nothing before the prompt is up
        s.waitingForInput()
        #expect(counter.starts == 1)
        s.waitingForInput()                       // every later wait: nothing more
        #expect(counter.starts == 1)
        // A graph taken before any wait (a start-up file's statements) is not started again.
        let early = ShellSession(loadingGraph: { graph }, startLoading: { counter.starts += 1 })
        _ = early.graph
        early.waitingForInput()
        #expect(counter.starts == 1)
    }

    @Test func aDeferredLoadRunsOnceWhetherStartedOrNot() {
        final class Counter: @unchecked Sendable { var runs = 0 }
        let notStarted = Counter()
        let a = BackgroundLoad(startNow: false) { notStarted.runs += 1; return 7 }
        #expect(a.value == 7)                     // never started: runs here
        a.start()                                 // after the value: nothing
        #expect(a.value == 7)
        #expect(notStarted.runs == 1)
        let started = Counter()
        let b = BackgroundLoad(startNow: false) { started.runs += 1; return 8 }
        b.start()
        b.start()
        #expect(b.value == 8)
        #expect(b.value == 8)
        #expect(started.runs == 1)
    }
}
