import Foundation
import Testing
@testable import FactShell

/// `.help TOPIC` prints sections of docs/LANGUAGE.md, embedded in the binary: one text.
@Suite struct LanguageHelpTests {
    static let docsPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/LANGUAGE.md")

    @Test func theEmbeddedTextIsDocsLanguageMd() throws {
        let onDisk = try String(contentsOf: Self.docsPath, encoding: .utf8)
        #expect(LanguageHelp.document == onDisk, "rebuild: the embedded copy differs from docs/LANGUAGE.md")
    }

    @Test func everyMarkedSectionIsATopic() throws {
        let onDisk = try String(contentsOf: Self.docsPath, encoding: .utf8)
        let marked = onDisk.split(separator: "\n").filter { $0.hasPrefix("<!-- topic: ") }
            .map { String($0.dropFirst("<!-- topic: ".count).prefix { $0 != " " }) }
        #expect(!marked.isEmpty)
        #expect(LanguageHelp.topicNames == marked)
        for name in marked {
            let text = try DotCommands.help(topic: name)
            #expect(!text.isEmpty && !text.contains("<!--") && !text.contains("**"), "\(name)")
        }
        for name in ["where", "summarize", "count", "path"] { #expect(marked.contains(name)) }
    }

    @Test func whereExplainsWithinAndIsNull() throws {
        let text = try DotCommands.help(topic: "where", width: 80)
        #expect(text.hasPrefix("Conditions (where)\n"))
        #expect(text.contains("`col within PLACE`") && text.contains("is PLACE or lies in it"))
        #expect(text.contains("`col is null`, `col is not null`") && text.contains("the value is missing / present"))
        for line in text.split(separator: "\n") where !line.hasPrefix("    ") {
            #expect(CellText.width(line) <= 80, "\(line)")
        }
    }

    @Test func unknownAndAmbiguousNamesFail() {
        #expect(throws: DotError.self) { try DotCommands.help(topic: "nosuch") }
        do { _ = try DotCommands.help(topic: "s") } catch let e as DotError {
            #expect(e.message.hasPrefix("'s' is ambiguous: .schema"))
        } catch { Issue.record("\(error)") }
        #expect((try? DotCommands.help(topic: "summ"))?.hasPrefix("Summaries") == true)
    }
}
