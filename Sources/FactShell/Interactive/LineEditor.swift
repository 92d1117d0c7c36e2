import CLibEdit
import FactQuery

/// What one `LineEditor.readLine(prompt:)` got.
public enum LineInput: Equatable, Sendable {
    /// A line, without its newline. A line recalled from history may hold newlines.
    case line(String)
    /// Ctrl-C: the partly typed line was discarded; show a fresh prompt.
    case interrupted
    /// Ctrl-D on an empty line, end of input, or the session was asked to end.
    case endOfInput
}

/// An interactive line editor on the terminal, over libedit's wide-character API.
///
///     let editor = LineEditor(history: history)!
///     editor.completer = { line, cursor in engine.complete(line: line, cursor: cursor) }
///     switch editor.readLine(prompt: "factsh> ") { … }
///
/// Emacs keys (plus Home/End/Delete, Ctrl-Left/Right by word, Ctrl-W deleting a word), Up
/// and Down through `history`, Ctrl-R searching it, Tab calling `completer`. Chinese input
/// and cursor movement across double-width characters are right in a real terminal: the
/// locale is made UTF-8 even under LANG=C, and the terminal's insert/delete-character
/// capabilities are switched off, because libedit mis-places the cursor by a column next to
/// wide characters when it uses them.
///
/// Only for a terminal: create it when standard input and output are terminals. It reads
/// `~/.editrc` (or `$EDITRC`) like other libedit programs; lines there may start `factsh:`.
public final class LineEditor {
    /// Answers Tab: the line and the cursor (in `Character`s) in, the word's start and its
    /// candidates out.
    public typealias Completer = (_ line: String, _ cursor: Int) -> Completion

    /// Called on Tab; without one, Tab beeps.
    public var completer: Completer?

    private var editLine: OpaquePointer?
    private let history: History?
    private var prompt = ""
    private var promptBuffer: UnsafeMutablePointer<wchar_t>
    private var promptCapacity = 0

    /// Marks the start and end of an escape sequence inside a prompt (it takes no columns).
    public static let promptLiteralMark: Character = "\u{1}"

    /// A line editor on standard input and output, or nil when libedit cannot start (no
    /// terminal). The history, if given, is what Up and Down walk; the caller adds to it.
    public init?(programName: String = "factsh", history: History? = nil) {
        _ = factsh_setup_locale()
        guard let editLine = factsh_el_init(programName) else { return nil }
        self.editLine = editLine
        self.history = history
        promptCapacity = 64
        promptBuffer = .allocate(capacity: promptCapacity)
        promptBuffer.initialize(to: 0)
        configure(editLine)
    }

    deinit {
        close()
        promptBuffer.deallocate()
    }

    /// Ends editing and puts the terminal back as it was. Idempotent; `deinit` calls it.
    public func close() {
        if let editLine {
            el_end(editLine)
            self.editLine = nil
        }
    }

    private func configure(_ el: OpaquePointer) {
        _ = factsh_el_set_clientdata(el, Unmanaged.passUnretained(self).toOpaque())
        LineEditor.withWide("emacs") { _ = factsh_el_set_editor(el, $0) }
        // Signals are ours (Signals.swift, and the read function in CSignals): libedit's own
        // handlers send each signal on to the whole process group, and after a resize they
        // leave the cursor where the old width put it.
        TerminalSignals.attach(el)
        TerminalSignals.setResizeHook { el in
            guard let el, let data = factsh_el_get_clientdata(el) else { return }
            Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().redrawAfterResize(el)
        }
        _ = factsh_el_set_prompt(el, { el in
            guard let el, let data = factsh_el_get_clientdata(el) else { return nil }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().promptBuffer
        }, wchar_t(1))
        // Without these libedit inserts and deletes characters in place and loses a column
        // next to double-width characters; with them gone it redraws the rest of the line.
        for capability in ["DC", "dc", "IC", "ic", "im"] {
            LineEditor.withWide(capability) { name in
                LineEditor.withWide("") { _ = factsh_el_settc(el, name, $0) }
            }
        }
        LineEditor.withWide("factsh-complete") { name in
            LineEditor.withWide("Complete the word before the cursor") { help in
                _ = factsh_el_addfn(el, name, help, { el, _ in
                    guard let el, let data = factsh_el_get_clientdata(el) else { return UInt8(CC_ERROR) }
                    return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().completeAtCursor(el)
                })
            }
        }
        let bindings: [(String, String)] = [
            ("^I", "factsh-complete"),
            ("^W", "ed-delete-prev-word"),
            ("\\e[1;5D", "ed-prev-word"), ("\\e[1;5C", "em-next-word"),
            ("\\e[5D", "ed-prev-word"), ("\\e[5C", "em-next-word"),
            ("\\e[3~", "ed-delete-next-char"),
            ("\\e[H", "ed-move-to-beg"), ("\\e[F", "ed-move-to-end"),
            ("\\e[1~", "ed-move-to-beg"), ("\\e[4~", "ed-move-to-end"),
            ("\\e[7~", "ed-move-to-beg"), ("\\e[8~", "ed-move-to-end"),
            ("\\eOH", "ed-move-to-beg"), ("\\eOF", "ed-move-to-end"),
        ]
        for (keys, function) in bindings {
            LineEditor.withWide(keys) { k in LineEditor.withWide(function) { _ = factsh_el_bind(el, k, $0) } }
        }
        if let handle = history?.handle {
            _ = factsh_el_set_history(el, handle)
        }
        _ = el_source(el, nil)
    }

    // MARK: - Reading

    /// Shows `prompt` and reads one line. Ctrl-C discards the line (`.interrupted`); Ctrl-D
    /// on an empty line and end of input give `.endOfInput`. The prompt may hold escape
    /// sequences between two `promptLiteralMark`s.
    public func readLine(prompt: String) -> LineInput {
        guard let el = editLine else { return .endOfInput }
        setPrompt(prompt)
        factsh_flush_output()
        TerminalSignals.installEditing()
        defer { TerminalSignals.restoreEditing() }

        var count: Int32 = 0
        let result = el_wgets(el, &count)
        if let result, count > 0 {
            var length = Int(count)
            if length > 0 && result[length - 1] == 0x0A { length -= 1 }  // the newline that ended it
            if length > 0 && result[length - 1] == 0x0D { length -= 1 }
            var scalars = String.UnicodeScalarView()
            for i in 0..<length { scalars.append(LineEditor.scalar(result[i])) }
            el_reset(el)
            return .line(String(scalars))
        }
        if count < 0 && TerminalSignals.interruptPending {
            TerminalSignals.clearInterrupt()
            showInterrupted(el)
            return .interrupted
        }
        if count < 0, let signal = TerminalSignals.terminationSignal {
            if signal != SIGHUP { factsh_write_stdout("\r\n") }
            return .endOfInput
        }
        // Ctrl-D: libedit has echoed "^D"; end the line.
        factsh_write_stdout("\r\n")
        return .endOfInput
    }

    private func setPrompt(_ text: String) {
        prompt = text
        let scalars = Array(text.unicodeScalars)
        if scalars.count + 1 > promptCapacity {
            promptBuffer.deallocate()
            promptCapacity = scalars.count + 1
            promptBuffer = .allocate(capacity: promptCapacity)
        }
        for (i, scalar) in scalars.enumerated() { promptBuffer[i] = wchar_t(bitPattern: scalar.value) }
        promptBuffer[scalars.count] = 0
    }

    /// After Ctrl-C the line stays on the screen with "^C" after it, and the next prompt
    /// starts below it, wherever the cursor was.
    private func showInterrupted(_ el: OpaquePointer) {
        let (text, cursor) = currentLine(el)
        let columns = Int(factsh_terminal_columns())
        let layout = ScreenLayout(prompt: prompt, text: text, cursor: cursor, columns: columns)
        var out = ""
        if layout.endRow > layout.cursorRow { out += "\u{1B}[\(layout.endRow - layout.cursorRow)B" }
        out += "\r"
        if layout.endColumn > 0 { out += "\u{1B}[\(layout.endColumn)C" }
        if layout.endColumn + 2 <= columns { out += "^C" }
        out += "\r\n"
        factsh_write_stdout(out)
    }

    /// libedit keeps its old idea of where the cursor is when the width changes, and the
    /// next refresh lands in the wrong place. Terminals today re-flow wrapped lines on a
    /// resize, so the line's first row is where the new width puts it: go there, clear
    /// below, and draw the prompt and line afresh.
    private func redrawAfterResize(_ el: OpaquePointer) {
        let (text, cursor) = currentLine(el)
        let layout = ScreenLayout(prompt: prompt, text: text, cursor: cursor, columns: Int(factsh_terminal_columns()))
        var out = ""
        if layout.cursorRow > 0 { out += "\u{1B}[\(layout.cursorRow)A" }
        out += "\r\u{1B}[J"
        factsh_write_stdout(out)
        _ = factsh_el_refresh(el)
    }

    // MARK: - Completion

    /// The line libedit holds, as Characters, and the cursor as a Character offset.
    private func currentLine(_ el: OpaquePointer) -> (text: [Character], cursor: Int) {
        guard let info = el_wline(el), let buffer = info.pointee.buffer else { return ([], 0) }
        let end = info.pointee.lastchar.map { $0 - buffer } ?? 0
        let cursorScalars = info.pointee.cursor.map { $0 - buffer } ?? end
        var before = String.UnicodeScalarView()
        var after = String.UnicodeScalarView()
        for i in 0..<max(0, end) {
            if i < cursorScalars { before.append(LineEditor.scalar(buffer[i])) } else { after.append(LineEditor.scalar(buffer[i])) }
        }
        let head = Array(String(before))
        return (head + Array(String(after)), head.count)
    }

    /// The Tab key.
    private func completeAtCursor(_ el: OpaquePointer) -> UInt8 {
        guard let completer else { return UInt8(CC_ERROR) }
        let (text, cursor) = currentLine(el)
        let line = String(text)
        let completion = completer(line, cursor)
        let wordStart = min(max(0, completion.wordStart), cursor)
        let typed = String(text[wordStart..<cursor])
        switch CompletionAction.decide(typed: typed, candidates: completion.candidates) {
        case .beep:
            return UInt8(CC_ERROR)
        case .replace(let count, let replacement):
            let deleteScalars = String(text[(cursor - count)..<cursor]).unicodeScalars.count
            if deleteScalars > 0 { el_deletestr(el, Int32(deleteScalars)) }
            if !replacement.isEmpty {
                LineEditor.withWide(replacement) { _ = el_winsertstr(el, $0) }
            }
            return UInt8(CC_REFRESH)
        case .list(let candidates):
            let columns = Int(factsh_terminal_columns())
            let layout = ScreenLayout(prompt: prompt, text: text, cursor: cursor, columns: columns)
            // Move below the whole line, print the list, and leave as many blank rows as
            // the cursor was below the line's first row: libedit clears that many rows
            // upwards before it redraws the prompt (CC_REDISPLAY).
            var out = String(repeating: "\r\n", count: layout.endRow - layout.cursorRow + 1)
            let maxRows = max(4, Int(factsh_terminal_rows()) - 4)
            for row in CompletionListing.rows(candidates, columns: columns, maxRows: maxRows) {
                out += row
                out += "\r\n"
            }
            out += String(repeating: "\r\n", count: layout.cursorRow)
            factsh_write_stdout(out)
            return UInt8(CC_REDISPLAY)
        }
    }

    // MARK: - Wide strings

    static func scalar(_ value: wchar_t) -> Unicode.Scalar {
        Unicode.Scalar(UInt32(bitPattern: value)) ?? "\u{FFFD}"
    }

    static func withWide<R>(_ text: String, _ body: (UnsafePointer<wchar_t>) -> R) -> R {
        History.withWideString(text, body)
    }
}

/// Where the prompt and a line sit on the terminal, counted the way libedit lays them out:
/// rows wrap when full (a double-width character that does not fit goes to the next row),
/// a newline in the line starts a row, and the prompt's literal (escape) parts take no room.
struct ScreenLayout: Equatable {
    /// Row of the cursor, counted from the prompt's row.
    var cursorRow = 0
    /// Column of the cursor.
    var cursorColumn = 0
    /// Row and column just after the last character.
    var endRow = 0
    var endColumn = 0

    init(prompt: String, text: [Character], cursor: Int, columns: Int) {
        let width = max(1, columns)
        var row = 0
        var column = 0
        func place(_ character: Character) {
            if character == "\n" {
                row += 1
                column = 0
                return
            }
            let w = DisplayWidth.of(character)
            if column + w > width {
                row += 1
                column = 0
            }
            column += w
            if column >= width {
                row += 1
                column = 0
            }
        }
        var literal = false
        for character in prompt {
            if character == LineEditor.promptLiteralMark {
                literal.toggle()
            } else if !literal {
                place(character)
            }
        }
        for (index, character) in text.enumerated() {
            if index == cursor { cursorRow = row; cursorColumn = column }
            place(character)
        }
        if cursor >= text.count { cursorRow = row; cursorColumn = column }
        endRow = row
        endColumn = column
    }
}
