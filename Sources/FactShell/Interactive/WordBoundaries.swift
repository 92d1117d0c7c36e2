/// Where the word keys stop: Ctrl-W and Alt-Backspace (delete the word before the cursor),
/// Alt-D (the word after it), Alt-B and Alt-F (move by a word), and Ctrl-Left and Ctrl-Right.
///
///     WordBoundaries.previousStart(Array("city=济宁"), from: 7)   // 5: before 济宁
///     WordBoundaries.previousStart(Array("city=济宁"), from: 5)   // 4: before =
///     WordBoundaries.nextEnd(Array("city=济宁"), from: 0)         // 4: after city
///
/// A word is a run of characters of one class: letters, digits and `_` (Chinese included); or
/// punctuation and symbols (`= ~ . , ( ) < > !` and their full-width forms `＝ ，（ ） ：`, the
/// Chinese quotes …). So `city=济宁` is three words and `recipient.city` three, where libedit's
/// own word keys treat `= ~ .` as letters and jump over the whole condition. Spaces (the
/// ideographic space U+3000 and line breaks included) separate words and belong to none.
enum WordBoundaries {
    enum CharacterClass: Equatable {
        case space, word, punctuation
    }

    static func characterClass(_ c: Character) -> CharacterClass {
        if c.isWhitespace { return .space }
        if c.isLetter || c.isNumber || c == "_" { return .word }
        // Marks (a combining accent) go with the letters they follow; a lone one is a letter.
        if c.unicodeScalars.first?.properties.generalCategory == .nonspacingMark { return .word }
        return .punctuation
    }

    /// Where the word before `cursor` starts: back over spaces, then over one run of a class.
    static func previousStart(_ text: [Character], from cursor: Int) -> Int {
        var i = min(max(0, cursor), text.count)
        while i > 0 && characterClass(text[i - 1]) == .space { i -= 1 }
        guard i > 0 else { return 0 }
        let run = characterClass(text[i - 1])
        while i > 0 && characterClass(text[i - 1]) == run { i -= 1 }
        return i
    }

    /// Where the word after `cursor` ends (emacs's forward-word): over spaces, then over one
    /// run of a class.
    static func nextEnd(_ text: [Character], from cursor: Int) -> Int {
        var i = min(max(0, cursor), text.count)
        while i < text.count && characterClass(text[i]) == .space { i += 1 }
        guard i < text.count else { return text.count }
        let run = characterClass(text[i])
        while i < text.count && characterClass(text[i]) == run { i += 1 }
        return i
    }
}

/// What a paste brings to the line, decided from the pasted text alone.
///
///     PastedText("count awards\ncount honors\n")   // lines to run: accept after inserting
///     PastedText("awards where city=济宁")           // a fragment: stays on the line
///
/// Line ends arrive as CR from a terminal (CRLF from some); they become LF, which the line
/// holds as it holds a multi-line statement recalled from history. Other control characters
/// (an escape sequence inside the paste) are dropped, so that nothing pasted can move the
/// cursor or be taken for a key; a tab stays a tab (never a completion).
struct PastedText: Equatable {
    /// What goes into the line at the cursor (without the final line end, if any).
    var insert: String
    /// Whether the paste ended with a line end: the line is then accepted as if Enter had
    /// been pressed, and the shell runs each statement of it in turn.
    var accept: Bool

    init(_ raw: String) {
        var scalars = String.UnicodeScalarView()
        var previousWasCR = false
        for u in raw.unicodeScalars {
            defer { previousWasCR = u == "\r" }
            switch u {
            case "\r": scalars.append("\n")
            case "\n": if !previousWasCR { scalars.append("\n") }
            case "\t": scalars.append(u)
            default:
                if u.value < 0x20 || (u.value >= 0x7F && u.value < 0xA0) { continue }
                scalars.append(u)
            }
        }
        var text = String(scalars)
        accept = text.hasSuffix("\n")
        if accept { text.removeLast() }
        insert = text
    }

    /// The end marker of a bracketed paste (xterm's mode 2004).
    static let endMarker: [Unicode.Scalar] = ["\u{1B}", "[", "2", "0", "1", "~"]
}
