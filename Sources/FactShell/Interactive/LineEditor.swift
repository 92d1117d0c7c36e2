import CLibEdit
import CSignals
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
/// Emacs keys (plus Home/End/Delete), Up and Down through `history`, Ctrl-R searching it, Tab
/// calling `completer`. Ctrl-U deletes from the start of the line to the cursor and keeps what
/// follows (readline's unix-line-discard); Ctrl-W, Alt-Backspace, Alt-D, Alt-B, Alt-F and
/// Ctrl-Left/Right work by words that stop at punctuation (`WordBoundaries`: `city=济宁` is
/// three words); Ctrl-Y puts back what they deleted. Pastes come bracketed (xterm's mode 2004,
/// on only while a line is read) and go onto the line as text: a pasted block of statements
/// runs statement by statement, a pasted multi-line statement stays one. Chinese input
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

    /// Called each time the editor is about to wait for a key, with the prompt and the line on
    /// the screen.
    public var whenWaiting: (() -> Void)?

    private var editLine: OpaquePointer?
    private let history: History?
    private var prompt = ""
    private var promptBuffer: UnsafeMutablePointer<wchar_t>
    private var promptCapacity = 0

    /// What Ctrl-U, Ctrl-K, Ctrl-W, Alt-D and Alt-Backspace deleted last, for Ctrl-Y.
    private var killBuffer = ""
    /// The line and cursor just after the last deletion: a deletion that starts from there
    /// adds to the kill buffer instead of replacing it (readline's rule for repeated kills).
    private var afterLastKill: (text: [Character], cursor: Int)?
    /// Whether the terminal is asked to bracket pastes (xterm's mode 2004) while a line is read.
    private let bracketedPaste: Bool

    /// Marks the start and end of an escape sequence inside a prompt (it takes no columns).
    public static let promptLiteralMark: Character = "\u{1}"

    /// Turns bracketed paste on and off (xterm's mode 2004): the terminal then sends a paste
    /// between `ESC[200~` and `ESC[201~` instead of as typed keys.
    static let bracketedPasteOn = "\u{1B}[?2004h"
    static let bracketedPasteOff = "\u{1B}[?2004l"

    /// A line editor on standard input and output, or nil when libedit cannot start (no
    /// terminal). The history, if given, is what Up and Down walk; the caller adds to it.
    public init?(programName: String = "factsh", history: History? = nil) {
        _ = factsh_setup_locale()
        guard let editLine = factsh_el_init(programName) else { return nil }
        self.editLine = editLine
        self.history = history
        // A terminal that says it is dumb gets no escape sequences it did not ask for.
        let term = FileIO.env("TERM") ?? ""
        bracketedPaste = !term.isEmpty && term != "dumb"
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
        for p in functionNames { p.deallocate() }
        functionNames = []
    }

    /// The names and help texts of our editor functions, which libedit points at.
    private var functionNames: [UnsafeMutablePointer<wchar_t>] = []

    /// `text` as a NUL-terminated wide string that lives until it is deallocated.
    static func permanentWide(_ text: String) -> UnsafeMutablePointer<wchar_t> {
        let scalars = Array(text.unicodeScalars)
        let p = UnsafeMutablePointer<wchar_t>.allocate(capacity: scalars.count + 1)
        for (i, u) in scalars.enumerated() { p[i] = wchar_t(bitPattern: u.value) }
        p[scalars.count] = 0
        return p
    }

    /// The LineEditor that owns `el` (its client data).
    static func of(_ el: OpaquePointer?) -> LineEditor? {
        guard let el, let data = factsh_el_get_clientdata(el) else { return nil }
        return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue()
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
        TerminalSignals.setWaitHook { el in
            guard let el, let data = factsh_el_get_clientdata(el) else { return }
            Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().whenWaiting?()
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
        // Our own editor functions. A C function pointer cannot capture, so each finds its
        // LineEditor through the editor's client data.
        let functions: [(String, String, factsh_key_fn)] = [
            ("factsh-complete", "Complete the word before the cursor", { el, _ in
                LineEditor.of(el)?.completeAtCursor(el!) ?? UInt8(CC_ERROR) }),
            ("factsh-kill-to-start", "Delete from the start of the line to the cursor (readline's unix-line-discard)", { el, _ in
                LineEditor.of(el)?.killToStart(el!) ?? UInt8(CC_ERROR) }),
            ("factsh-kill-to-end", "Delete from the cursor to the end of the line", { el, _ in
                LineEditor.of(el)?.killToEnd(el!) ?? UInt8(CC_ERROR) }),
            ("factsh-kill-prev-word", "Delete the word before the cursor (words stop at punctuation)", { el, _ in
                LineEditor.of(el)?.killPreviousWord(el!) ?? UInt8(CC_ERROR) }),
            ("factsh-kill-next-word", "Delete the word after the cursor (words stop at punctuation)", { el, _ in
                LineEditor.of(el)?.killNextWord(el!) ?? UInt8(CC_ERROR) }),
            ("factsh-yank", "Insert the text deleted last", { el, _ in
                LineEditor.of(el)?.yank(el!) ?? UInt8(CC_ERROR) }),
            ("factsh-prev-word", "Move to the start of the word before the cursor", { el, _ in
                LineEditor.of(el)?.moveToPreviousWord(el!) ?? UInt8(CC_ERROR) }),
            ("factsh-next-word", "Move to the end of the word after the cursor", { el, _ in
                LineEditor.of(el)?.moveToNextWord(el!) ?? UInt8(CC_ERROR) }),
            ("factsh-paste", "Take a bracketed paste as text (its line ends run its statements)", { el, _ in
                LineEditor.of(el)?.takePaste(el!) ?? UInt8(CC_ERROR) }),
        ]
        for (name, help, function) in functions {
            // libedit keeps the name and help pointers (it does not copy them): they live as
            // long as the editor.
            let n = LineEditor.permanentWide(name), h = LineEditor.permanentWide(help)
            functionNames += [n, h]
            _ = factsh_el_addfn(el, n, h, function)
        }
        let bindings: [(String, String)] = [
            ("^I", "factsh-complete"),
            ("^U", "factsh-kill-to-start"),
            ("^K", "factsh-kill-to-end"),
            ("^W", "factsh-kill-prev-word"),
            ("\\e^?", "factsh-kill-prev-word"), ("\\e^H", "factsh-kill-prev-word"),
            ("\\ed", "factsh-kill-next-word"), ("\\eD", "factsh-kill-next-word"),
            ("^Y", "factsh-yank"),
            ("\\eb", "factsh-prev-word"), ("\\eB", "factsh-prev-word"),
            ("\\ef", "factsh-next-word"), ("\\eF", "factsh-next-word"),
            ("\\e[1;5D", "factsh-prev-word"), ("\\e[1;5C", "factsh-next-word"),
            ("\\e[5D", "factsh-prev-word"), ("\\e[5C", "factsh-next-word"),
            ("\\e[1;3D", "factsh-prev-word"), ("\\e[1;3C", "factsh-next-word"),
            ("\\e[200~", "factsh-paste"),
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

        // Bracketed paste only while the editor reads: a statement that runs, a pager, and
        // whatever runs after factsh must get pastes as plain keys again.
        if bracketedPaste {
            factsh_write_stdout(LineEditor.bracketedPasteOn)
            factsh_signals_set_bracketed_paste(1)
        }
        var count: Int32 = 0
        let result = el_wgets(el, &count)
        if bracketedPaste {
            factsh_signals_set_bracketed_paste(0)
            factsh_write_stdout(LineEditor.bracketedPasteOff)
        }
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
        case .replace(let count, var replacement):
            // In the middle of a line, the space a candidate carries to end its word is
            // already there (or punctuation follows): do not add another.
            if cursor < text.count, replacement.hasSuffix(" "),
               WordBoundaries.characterClass(text[cursor]) != .word {
                replacement.removeLast()
            }
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

    // MARK: - Deleting, yanking and moving by words

    /// Number of wide characters (Unicode scalars, libedit's unit) in `text[range]`.
    private static func scalarCount(_ text: [Character], _ range: Range<Int>) -> Int {
        text[range].reduce(0) { $0 + $1.unicodeScalars.count }
    }

    /// Deletes `text[range]` (the cursor is at one end of it) into the kill buffer; a deletion
    /// right after another adds to what it deleted (before it, when deleting backwards).
    private func kill(_ el: OpaquePointer, _ range: Range<Int>) -> UInt8 {
        let (text, cursor) = currentLine(el)
        guard !range.isEmpty else { return UInt8(CC_ERROR) }
        let killed = String(text[range])
        let backwards = cursor == range.upperBound
        if let last = afterLastKill, last.text == text, last.cursor == cursor {
            killBuffer = backwards ? killed + killBuffer : killBuffer + killed
        } else {
            killBuffer = killed
        }
        let n = LineEditor.scalarCount(text, range)
        if !backwards { _ = el_cursor(el, Int32(n)) }
        el_deletestr(el, Int32(n))
        let after = currentLine(el)
        afterLastKill = (after.text, after.cursor)
        return UInt8(CC_REFRESH)
    }

    /// Ctrl-U: from the start of the line to the cursor; what follows the cursor stays.
    func killToStart(_ el: OpaquePointer) -> UInt8 {
        let (_, cursor) = currentLine(el)
        return kill(el, 0..<cursor)
    }

    /// Ctrl-K: from the cursor to the end of the line.
    func killToEnd(_ el: OpaquePointer) -> UInt8 {
        let (text, cursor) = currentLine(el)
        return kill(el, cursor..<text.count)
    }

    /// Ctrl-W, Alt-Backspace: the word before the cursor.
    func killPreviousWord(_ el: OpaquePointer) -> UInt8 {
        let (text, cursor) = currentLine(el)
        return kill(el, WordBoundaries.previousStart(text, from: cursor)..<cursor)
    }

    /// Alt-D: the word after the cursor.
    func killNextWord(_ el: OpaquePointer) -> UInt8 {
        let (text, cursor) = currentLine(el)
        return kill(el, cursor..<WordBoundaries.nextEnd(text, from: cursor))
    }

    /// Ctrl-Y: inserts what was deleted last.
    func yank(_ el: OpaquePointer) -> UInt8 {
        guard !killBuffer.isEmpty else { return UInt8(CC_ERROR) }
        LineEditor.withWide(killBuffer) { _ = el_winsertstr(el, $0) }
        afterLastKill = nil
        return UInt8(CC_REFRESH)
    }

    /// Alt-B, Ctrl-Left.
    func moveToPreviousWord(_ el: OpaquePointer) -> UInt8 {
        let (text, cursor) = currentLine(el)
        let target = WordBoundaries.previousStart(text, from: cursor)
        guard target < cursor else { return UInt8(CC_ERROR) }
        _ = el_cursor(el, -Int32(LineEditor.scalarCount(text, target..<cursor)))
        return UInt8(CC_CURSOR)
    }

    /// Alt-F, Ctrl-Right.
    func moveToNextWord(_ el: OpaquePointer) -> UInt8 {
        let (text, cursor) = currentLine(el)
        let target = WordBoundaries.nextEnd(text, from: cursor)
        guard target > cursor else { return UInt8(CC_ERROR) }
        _ = el_cursor(el, Int32(LineEditor.scalarCount(text, cursor..<target)))
        return UInt8(CC_CURSOR)
    }

    // MARK: - Bracketed paste

    /// `ESC[200~` arrived: reads the pasted text up to `ESC[201~` and puts it on the line as
    /// text — a tab is a tab, not a completion, and a line end does not end the line. When the
    /// paste ends with a line end, the line is then accepted as Enter would (the shell runs
    /// each statement in turn and asks for the rest of an unfinished one); otherwise it stays
    /// on the line to be edited. A Ctrl-C while the paste comes in drops it.
    func takePaste(_ el: OpaquePointer) -> UInt8 {
        var received: [Unicode.Scalar] = []
        let marker = PastedText.endMarker
        while true {
            var wc: wchar_t = 0
            if el_wgetc(el, &wc) != 1 { return UInt8(CC_REFRESH) }   // Ctrl-C, end of input
            received.append(LineEditor.scalar(wc))
            if received.count >= marker.count && Array(received.suffix(marker.count)) == marker {
                received.removeLast(marker.count)
                break
            }
        }
        var raw = String.UnicodeScalarView()
        raw.append(contentsOf: received)
        let paste = PastedText(String(raw))
        if !paste.insert.isEmpty {
            LineEditor.withWide(paste.insert) { _ = el_winsertstr(el, $0) }
        }
        afterLastKill = nil
        if paste.accept {
            // Enter, as the next key: libedit moves below the line and returns it.
            LineEditor.withWide("\r") { el_wpush(el, $0) }
        }
        return UInt8(CC_REFRESH)
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
