import Testing
import BuiltinGraph
#if canImport(Glibc)
import Glibc
#endif
import FactGraph
@testable import FactShell

/// The value logic behind the editing keys, completion, paste and the Neo4j export, without a
/// terminal (the terminal tests are in EndToEndTests/LineEditingKeysTests.swift).
@Suite struct EditingAndExportLogicTests {
    // MARK: words

    @Test("city=济宁 is three words; full-width punctuation and paths split words too", arguments: [
        ("city=济宁", [5, 4, 0]),
        ("awards where recipient.city", [23, 22, 13, 7, 0]),
        ("by city，year", [8, 7, 3, 0]),
        ("x >= 2024", [5, 2, 0]),
        ("  ", [0]),
    ])
    func previousWordStarts(line: String, stops: [Int]) {
        let text = Array(line)
        var cursor = text.count
        var seen: [Int] = []
        repeat {
            cursor = WordBoundaries.previousStart(text, from: cursor)
            seen.append(cursor)
        } while cursor > 0
        #expect(seen == stops)
    }

    @Test func nextWordEnds() {
        let text = Array("city=济宁 and")
        var cursor = 0
        var seen: [Int] = []
        while cursor < text.count {
            cursor = WordBoundaries.nextEnd(text, from: cursor)
            seen.append(cursor)
        }
        #expect(seen == [4, 5, 7, 11])
    }

    // MARK: paste

    @Test func pastedTextBecomesLinesAndAcceptsAtAFinalLineEnd() {
        let block = PastedText("count awards\r\ncount honors\r")
        #expect(block.insert == "count awards\ncount honors" && block.accept)
        let fragment = PastedText("awards where\r\tcity=济宁")
        #expect(fragment.insert == "awards where\n\tcity=济宁" && !fragment.accept)
        // Escape sequences inside a paste cannot drive the terminal or the editor.
        let controls = PastedText("a\u{1B}[2Jb\u{7}c")
        #expect(controls.insert == "a[2Jbc" && !controls.accept)
    }

    // MARK: completion

    @Test func aQuoteTheCandidatesOpenStillExtendsWhatWasTyped() {
        #expect(CompletionAction.decide(typed: "my", candidates: ["\"my dir/", "\"my query.fq\" "]) == .replace(count: 2, with: "\"my "))
        #expect(CompletionAction.decide(typed: "\"my ", candidates: ["\"my dir/", "\"my query.fq\" "]) == .list(["\"my dir/", "\"my query.fq\" "]))
        #expect(CompletionAction.decide(typed: "aw", candidates: ["awards "]) == .replace(count: 2, with: "awards "))
    }

    @Test func listsShowFileNamesWithoutTheirSharedFolder() {
        let rows = CompletionListing.rows(["/tmp/x/a.fq ", "/tmp/x/b.fq ", "\"/tmp/x/my q.fq\" "], columns: 80)
        #expect(rows == ["a.fq     b.fq     my q.fq"])
        let cut = CompletionListing.rows((0..<50).map { "name\($0) " }, columns: 10, maxRows: 4)
        #expect(cut.count == 5)
        #expect(cut.last == "… and 46 more; type more to narrow them")
    }

    @Test func fileNamesWithSpacesAreOfferedQuoted() throws {
        let dir = "/tmp/factsh-quoted-\(getpid())"
        _ = mkdir(dir, 0o700)
        defer {
            for f in ["my query.fq", "plain.fq", "say \"hi\".fq"] { unlink(dir + "/" + f) }
            rmdir(dir + "/my dir")
            rmdir(dir)
        }
        for f in ["my query.fq", "plain.fq", "say \"hi\".fq"] { try FileIO.writeAtomically(dir + "/" + f, Array("count awards\n".utf8)) }
        _ = mkdir(dir + "/my dir", 0o700)
        let line = Array(".read \(dir)/my")
        let c = QuotedFileNames.complete(line, cursor: line.count)
        #expect(c.wordStart == 6)
        #expect(c.candidates == ["\"\(dir)/my dir/", "\"\(dir)/my query.fq\" "])
        let open = Array(".read \"\(dir)/my q")
        #expect(QuotedFileNames.complete(open, cursor: open.count).candidates == ["\"\(dir)/my query.fq\" "])
        let plain = Array(".read \(dir)/pl")
        #expect(QuotedFileNames.complete(plain, cursor: plain.count).candidates == ["\(dir)/plain.fq "])
        let quote = Array(".read \(dir)/say")
        #expect(QuotedFileNames.complete(quote, cursor: quote.count).candidates == ["'\(dir)/say \"hi\".fq' "])
        // What completion writes, the dot-command splitter reads back whole.
        #expect(DotCommands.words(".read \"\(dir)/my query.fq\"") == [".read", "\(dir)/my query.fq"])
        #expect(DotCommands.words(".read '\(dir)/say \"hi\".fq'") == [".read", "\(dir)/say \"hi\".fq"])
    }

    @Test("Lines group into statements as the language completes them")
    func replGroupsLinesIntoStatements() throws {
        let session = ShellSession(graph: try BuiltinGraph.load())
        let (complete, rest) = REPL.statements(in: ["count awards", "", "awards where", " city=济宁", ".mode csv", "count honors; count awards", "awards where"], engine: session)
        #expect(complete == ["count awards", "awards where\n city=济宁", ".mode csv", "count honors; count awards"])
        #expect(rest == ["awards where"])
    }

    // MARK: export

    @Test func csvFieldsAreQuotedAsRFC4180Says() {
        var csv = CSVText()
        csv.row(["id:ID", ":LABEL"])
        csv.field("国家级专精特新\"小巨人\"企业", first: true)
        csv.field("a,b")
        csv.field("line\nbreak")
        csv.null()
        csv.field("")
        csv.raw("2024")
        csv.end()
        #expect(String(decoding: csv.bytes, as: UTF8.self) == "id:ID,:LABEL\n\"国家级专精特新\"\"小巨人\"\"企业\",\"a,b\",\"line\nbreak\",,\"\",2024\n")
    }

    @Test func relationKindsMapToRelationshipsOrNodes() throws {
        let g = try BuiltinGraph.load()
        let export = Neo4jExport(graph: g)
        let award = try #require(g.kind(named: "award"))
        let stat = try #require(g.kind(named: "stat"))
        #expect(export.relationshipShape(award) != nil, "every award names its recipient and its honor")
        #expect(export.relationshipShape(stat) == nil, "some statistics name no honor")
        let types = export.relationshipTypes()
        #expect(types[.relation(award)] == "AWARD")
        let enterprise = try #require(g.kind(named: "enterprise"))
        let city = try #require(g.kinds[enterprise].columnIndex(named: "city"))
        #expect(types[.column(enterprise, city)] == "HAS_CITY", "a type is never also a label (Kùzu)")
        let honor = try #require(g.kind(named: "honor"))
        let issuer = try #require(g.kinds[honor].columnIndex(named: "issuer"))
        #expect(types[.column(honor, issuer)] == "ISSUER")
    }
}
