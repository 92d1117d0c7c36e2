import CLibEdit
import CSignals
import FactQuery

/// What the interactive loop needs from the shell: prompts, the language's idea of a
/// finished statement, completion, and running a statement.
public protocol ShellEngine: AnyObject {
    /// The prompt for a new statement, e.g. `"factsh> "` or `"factsh(my.facts)> "`. Escape
    /// sequences (colour) must sit between two `LineEditor.promptLiteralMark`s.
    var prompt: String { get }
    /// The prompt for the further lines of an unfinished statement, e.g. `"   ...> "`.
    var continuationPrompt: String { get }
    /// Whether `text` is a whole statement. The query language decides: an open parenthesis
    /// or quote, or a trailing `and`/`or`, means more is coming; dot-commands are always
    /// complete.
    func isComplete(_ text: String) -> Bool
    /// Candidates for the word before `cursor` (a `Character` offset into `line`).
    func complete(line: String, cursor: Int) -> Completion
    /// Runs one complete statement and prints its own output; returns false when the shell
    /// should exit (`.quit`).
    ///
    /// A statement that may run for long must poll `Interrupt.isPending` (the session does it
    /// through `Cancellation.signals`) and stop when it is set (Ctrl-C, or the session being
    /// asked to end); the loop clears Ctrl-C before each statement and each prompt.
    func run(_ statement: String) -> Bool
    /// Called each time the editor waits for a key, with the prompt on the screen: work that
    /// must not delay the first prompt starts here. Returns at once.
    func waitingForInput()
}

extension ShellEngine {
    public func waitingForInput() {}
}

/// The interactive read–run loop.
///
///     let history = History.openDefault()
///     exit(REPL.run(engine: engine, history: history))
///
/// Reads a line; while the engine says the statement is unfinished, reads more lines with
/// the continuation prompt and joins them with "\n"; adds the whole statement to the history
/// as one entry and runs it. A line that holds several lines (a bracketed paste, an entry
/// recalled from history) runs the same way, statement by statement, each its own history
/// entry, and what is left unfinished waits at the continuation prompt. Ctrl-C discards the line being typed, or the whole unfinished
/// statement at the continuation prompt; while a statement runs it sets `Interrupt.isPending`
/// for the engine. Ctrl-D on an empty line leaves (an unfinished statement is kept in the
/// history, not run). Every way out (Ctrl-D, `.quit`, SIGTERM, SIGHUP) restores the terminal
/// and saves the history.
public enum REPL {
    /// Runs the loop on the terminal until the user leaves. Returns the exit status: 0, or
    /// 128 + the signal number when SIGTERM, SIGHUP or SIGQUIT ended the session.
    public static func run(engine: ShellEngine, history: History?) -> Int32 {
        Interrupt.install()

        guard let editor = LineEditor(history: history) else {
            factsh_write_stderr("factsh: cannot start the line editor\n")
            return 1
        }
        editor.completer = { [unowned engine] line, cursor in
            engine.complete(line: line, cursor: cursor)
        }
        editor.whenWaiting = { [unowned engine] in engine.waitingForInput() }

        var status: Int32 = 0
        var pending: [String] = []
        reading: while true {
            if let signal = TerminalSignals.terminationSignal {
                status = 128 + signal
                break
            }
            TerminalSignals.clearInterrupt()
            let prompt = pending.isEmpty ? engine.prompt : engine.continuationPrompt
            switch editor.readLine(prompt: prompt) {
            case .interrupted:
                pending = []
            case .endOfInput:
                if let signal = TerminalSignals.terminationSignal { status = 128 + signal }
                if !pending.isEmpty { history?.add(pending.joined(separator: "\n")) }
                break reading
            case .line(let line):
                // A line may hold several (a paste, a statement recalled from history): each
                // statement runs as soon as its lines are complete, as if typed one by one.
                let (statements, rest) = REPL.statements(in: pending + StatementSplitter.lines(line), engine: engine)
                pending = rest
                for statement in statements {
                    history?.add(statement)
                    TerminalSignals.clearInterrupt()
                    // No "^C" echoed among the rows when Ctrl-C stops the statement.
                    let echo = factsh_tty_set_echoctl(0)
                    let keepGoing = engine.run(statement)
                    factsh_flush_output()
                    if echo == 1 { _ = factsh_tty_set_echoctl(1) }
                    if !keepGoing { break reading }
                    // Ctrl-C stops the statement and drops the rest of what was pasted.
                    if Interrupt.isPending {
                        pending = []
                        break
                    }
                }
            }
        }

        editor.close()
        if let history {
            do {
                try history.save()
            } catch {
                factsh_write_stderr("factsh: cannot save history: \(error)\n")
            }
        }
        factsh_flush_output()
        return status
    }

    /// Groups lines into statements as the language completes them: a group ends at the first
    /// line after which the engine finds the text complete (one statement, or several on one
    /// line with `;`). Blank lines between statements are dropped. Returns the complete groups
    /// and the lines of an unfinished one.
    ///
    ///     statements(in: ["count awards", "awards where", " city=济宁", "awards where"])
    ///     // (["count awards", "awards where\n city=济宁"], ["awards where"])
    static func statements(in lines: [String], engine: ShellEngine) -> (complete: [String], rest: [String]) {
        var complete: [String] = []
        var group: [String] = []
        for line in lines {
            if group.isEmpty && line.allSatisfy(\.isWhitespace) { continue }
            group.append(line)
            let text = group.joined(separator: "\n")
            if engine.isComplete(text) {
                complete.append(text)
                group = []
            }
        }
        return (complete, group)
    }
}
