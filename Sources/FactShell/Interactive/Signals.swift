import CLibEdit

/// Ctrl-C for the interactive shell: a flag set by a SIGINT handler, for the engine to poll.
///
///     Interrupt.install()
///     for row in rows {
///         if Interrupt.isPending { Interrupt.clear(); throw Cancelled() }
///         …
///     }
///
/// The handler only sets the flag (it is installed without `SA_RESTART`, so a blocking read
/// returns `EINTR` as well). While a line is being edited, Ctrl-C discards the line; while a
/// statement runs, nothing stops it unless the engine looks: **an engine that evaluates for
/// long must poll `isPending` in its loops** (every few thousand rows is plenty) and
/// stop the statement when it is set. `REPL.run` installs the handler and clears the flag
/// before each prompt, so a Ctrl-C that came while a statement was printing its last rows is
/// not carried into the next line. A request to end the session (SIGTERM, SIGHUP) also makes
/// `isPending` true, so a long statement stops and the shell can save history and leave.
public enum Interrupt {
    /// Installs the SIGINT handler (idempotent). `REPL.run` does this itself.
    public static func install() {
        factsh_signals_install_interrupt()
    }

    /// True once Ctrl-C was pressed (or the session was asked to end) and not cleared since.
    public static var isPending: Bool {
        factsh_interrupt_pending() != 0 || factsh_terminate_signal() != 0
    }

    /// Forgets a Ctrl-C (not a request to end the session).
    public static func clear() {
        factsh_interrupt_clear()
    }
}

/// The process's signal handling while the shell is interactive.
///
/// The C flags live in a `static` inside a `static inline` function of the CLibEdit shim, so
/// there is one copy per object file that uses them: every call that touches them is in this
/// file, and nowhere else.
enum TerminalSignals {
    /// SIGINT, SIGTERM, SIGHUP and SIGQUIT for the whole session.
    static func installSession() {
        factsh_signals_install_session()
    }

    /// Default actions again.
    static func restoreSession() {
        factsh_signals_restore_session()
    }

    /// SIGWINCH, SIGTSTP and SIGCONT while a line is edited (the terminal is raw then).
    static func installEditing() {
        factsh_signals_install_editing()
    }

    static func restoreEditing() {
        factsh_signals_restore_editing()
    }

    /// The signal number that asked the session to end, or nil.
    static var terminationSignal: Int32? {
        let signal = factsh_terminate_signal()
        return signal == 0 ? nil : signal
    }

    static var interruptPending: Bool { factsh_interrupt_pending() != 0 }

    static func clearInterrupt() { factsh_interrupt_clear() }

    /// The editor's read-one-character function, which acts on these flags.
    static var readCharFunction: el_rfunc_t { factsh_el_read_char_function() }

    /// What the read function calls after the window changed size (and libedit was told).
    static func setResizeHook(_ hook: factsh_resize_fn?) {
        factsh_set_resize_hook(hook)
    }
}
