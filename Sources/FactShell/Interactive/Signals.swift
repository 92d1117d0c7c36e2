import CSignals
#if canImport(Glibc)
import Glibc
#endif

/// The process's signals as the shell sees them: Ctrl-C (SIGINT) and requests to end (SIGTERM,
/// SIGHUP, SIGQUIT). The flags and handlers live in one C file, `Sources/CSignals/signals.c`,
/// so every build has exactly one copy of them; this is the Swift face of it.
///
///     Interrupt.install()                       // at start, before loading the graph
///     Interrupt.exitAtOnce(true)                // loading: nothing can poll, nothing to save
///     let graph = load()
///     Interrupt.exitAtOnce(false)
///     let session = ShellSession(graph: graph, cancellation: .signals)
///     …
///     if let status = Interrupt.exitStatus { exit(status) }    // 130 after Ctrl-C
///
/// Handlers only set flags (installed without `SA_RESTART`, so a blocking read or write returns
/// `EINTR` and its caller looks). Whatever runs for long polls `Cancellation.signals` — the
/// engine through `QueryEngine.isCancelled`, the renderers and writers through the session's
/// output sink — and stops. The interactive loop clears Ctrl-C before each prompt and each
/// statement; outside a terminal nothing clears it, so the run stops and exits 130.
public enum Interrupt {
    /// Installs the handlers for SIGINT, SIGTERM, SIGHUP and SIGQUIT (idempotent).
    public static func install() {
        factsh_signals_install()
    }

    /// While on, those signals end the process at once with status 128 + N: for stretches
    /// that cannot poll and leave nothing to save (loading the graph at start).
    public static func exitAtOnce(_ on: Bool) {
        factsh_signals_set_exit_now(on ? 1 : 0)
    }

    /// True once Ctrl-C was pressed, or the process was asked to end, and not cleared since.
    public static var isPending: Bool { factsh_cancel_requested() != 0 }

    /// Forgets a Ctrl-C (not a request to end the process).
    public static func clear() {
        factsh_interrupt_clear()
    }

    /// The signal number that asked the process to end, or nil.
    public static var terminationSignal: Int32? {
        let signal = factsh_terminate_signal()
        return signal == 0 ? nil : signal
    }

    /// The exit status a run stopped by a signal ends with: 128 + the termination signal, or
    /// 130 after a Ctrl-C that was not cleared; nil when no signal came.
    public static var exitStatus: Int32? {
        if let signal = terminationSignal { return 128 + signal }
        if factsh_interrupt_pending() != 0 { return 128 + SIGINT }
        return nil
    }
}

/// What a session polls to know it should stop the statement it is running, and how the loop
/// that owns it starts afresh. Injected, so that the session knows nothing of signals.
///
///     ShellSession(graph: g)                          // never cancelled (tests)
///     ShellSession(graph: g, cancellation: .signals)  // Ctrl-C and SIGTERM (the binary)
public struct Cancellation: Sendable {
    /// True when the running work should stop.
    public let isRequested: @Sendable () -> Bool
    /// Forgets a request that was already honoured (the interactive loop, before each line).
    public let reset: @Sendable () -> Void

    public init(isRequested: @escaping @Sendable () -> Bool, reset: @escaping @Sendable () -> Void) {
        self.isRequested = isRequested
        self.reset = reset
    }

    /// Never asks to stop.
    public static let never = Cancellation(isRequested: { false }, reset: {})

    /// Ctrl-C, SIGTERM, SIGHUP or SIGQUIT (`Interrupt`); `reset` forgets a Ctrl-C only.
    public static let signals = Cancellation(isRequested: { factsh_cancel_requested() != 0 },
                                             reset: { factsh_interrupt_clear() })
}

/// The signals that matter only while a line is being edited, and the editor's hooks into
/// the C read function.
enum TerminalSignals {
    /// SIGWINCH, SIGTSTP and SIGCONT while a line is edited (the terminal is raw then).
    static func installEditing() {
        factsh_signals_install_editing()
    }

    static func restoreEditing() {
        factsh_signals_restore_editing()
    }

    static var interruptPending: Bool { factsh_interrupt_pending() != 0 }

    static func clearInterrupt() { factsh_interrupt_clear() }

    /// The signal number that asked the session to end, or nil.
    static var terminationSignal: Int32? { Interrupt.terminationSignal }

    /// Makes the editor read through the signal-aware read function (and turns off libedit's
    /// own signal handling).
    static func attach(_ editLine: OpaquePointer) {
        _ = factsh_signals_attach_editor(editLine)
    }

    /// What the read function calls after the window changed size (and libedit was told).
    static func setResizeHook(_ hook: factsh_resize_fn?) {
        factsh_signals_set_resize_hook(hook)
    }

    /// What the read function calls before each wait for input.
    static func setWaitHook(_ hook: factsh_wait_fn?) {
        factsh_signals_set_wait_hook(hook)
    }
}
