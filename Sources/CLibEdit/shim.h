/*
 * CLibEdit: libedit (BSD editline) for the factsh shell, plus the small C glue that Swift
 * cannot express itself.
 *
 *  - Swift cannot call C-variadic functions, so every variadic libedit call the shell uses
 *    (el_wset, el_wget, history_w) has a fixed-argument wrapper here, one per operation.
 *  - Swift 6 rejects the `stdin`/`stdout`/`stderr` globals as shared mutable state, so
 *    everything that needs those FILE pointers is done here.
 *  - Signal handlers only set flags (`volatile sig_atomic_t`); the line editor's read
 *    function (factsh_el_read_char) acts on them outside signal context.
 *
 * Everything is `static inline` because a system-library target has no C sources. A
 * `static` variable inside a `static inline` function exists once per object file that
 * emits the function, so all functions touching the signal flags (marked [signals]) must be
 * called from ONE Swift file only: Sources/FactShell/Interactive/Signals.swift.
 */
#ifndef FACTSH_CLIBEDIT_SHIM_H
#define FACTSH_CLIBEDIT_SHIM_H

#include <histedit.h>

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

/* Glibc hides wcwidth behind _XOPEN_SOURCE; declare it ourselves. */
int wcwidth(wchar_t);

/* ---------------------------------------------------------------------------------------
 * Locale
 * ------------------------------------------------------------------------------------- */

/*
 * Takes the user's locale, then makes sure the character type is UTF-8 even when LANG is
 * unset or C: libedit decodes input and sizes characters with the C library's multibyte
 * functions, and in the C locale Chinese input comes back empty and Chinese history entries
 * are silently dropped. Numbers stay in the C locale so that no printf in the process ever
 * writes a decimal comma. Returns 1 when LC_CTYPE is UTF-8 afterwards.
 */
static inline int factsh_setup_locale(void) {
    setlocale(LC_ALL, "");
    setlocale(LC_NUMERIC, "C");
    const char *codeset = nl_langinfo(CODESET);
    if (codeset == NULL || (strcmp(codeset, "UTF-8") != 0 && strcmp(codeset, "utf8") != 0)) {
        if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
            setlocale(LC_CTYPE, "C.utf8");
        codeset = nl_langinfo(CODESET);
    }
    return codeset != NULL && strcmp(codeset, "UTF-8") == 0;
}

/* ---------------------------------------------------------------------------------------
 * Terminal and standard streams
 * ------------------------------------------------------------------------------------- */

static inline int factsh_stdin_isatty(void) { return isatty(STDIN_FILENO); }
static inline int factsh_stdout_isatty(void) { return isatty(STDOUT_FILENO); }
static inline int factsh_stderr_isatty(void) { return isatty(STDERR_FILENO); }

/* Columns of the terminal on standard output (else standard input), or 80. */
static inline int factsh_terminal_columns(void) {
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    return 80;
}

/* Rows of the terminal, or 24. */
static inline int factsh_terminal_rows(void) {
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) return ws.ws_row;
    if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) return ws.ws_row;
    return 24;
}

/* Writes UTF-8 text to standard output through the same FILE buffer libedit uses, and flushes. */
static inline void factsh_write_stdout(const char *text) {
    fputs(text, stdout);
    fflush(stdout);
}

/* Writes UTF-8 text to standard error and flushes. */
static inline void factsh_write_stderr(const char *text) {
    fputs(text, stderr);
    fflush(stderr);
}

/* Flushes both output streams, e.g. before the editor draws a prompt. */
static inline void factsh_flush_output(void) {
    fflush(stdout);
    fflush(stderr);
}

/* ---------------------------------------------------------------------------------------
 * Line editor: fixed-argument wrappers of el_wset / el_wget
 * ------------------------------------------------------------------------------------- */

typedef wchar_t *(*factsh_prompt_fn)(EditLine *);
typedef unsigned char (*factsh_key_fn)(EditLine *, int);

/* An editor on the process's standard streams. */
static inline EditLine *factsh_el_init(const char *program) {
    return el_init(program, stdin, stdout, stderr);
}

static inline int factsh_el_set_editor(EditLine *el, const wchar_t *mode) {
    return el_wset(el, EL_EDITOR, mode);
}

/* The prompt function; characters between two `literal` marks are printed as they are
 * (escape sequences) and take no room on the line. */
static inline int factsh_el_set_prompt(EditLine *el, factsh_prompt_fn fn, wchar_t literal) {
    return el_wset(el, EL_PROMPT_ESC, fn, literal);
}

static inline int factsh_el_set_clientdata(EditLine *el, void *data) {
    return el_wset(el, EL_CLIENTDATA, data);
}

static inline void *factsh_el_get_clientdata(EditLine *el) {
    void *data = NULL;
    if (el_wget(el, EL_CLIENTDATA, &data) != 0) return NULL;
    return data;
}

/* libedit's own signal handling (EL_SIGNAL); the shell turns it off and handles signals in
 * factsh_el_read_char instead. */
static inline int factsh_el_set_signal(EditLine *el, int on) {
    return el_wset(el, EL_SIGNAL, on);
}

/* Sets one terminal capability, e.g. ("IC", "") to remove insert-character. */
static inline int factsh_el_settc(EditLine *el, const wchar_t *capability, const wchar_t *value) {
    return el_wset(el, EL_SETTC, capability, value, (const wchar_t *)NULL);
}

/* Binds a key sequence (e.g. "^I") to a named editor function. */
static inline int factsh_el_bind(EditLine *el, const wchar_t *keys, const wchar_t *function) {
    return el_wset(el, EL_BIND, keys, function, (const wchar_t *)NULL);
}

/* Adds a named editor function implemented by the caller. */
static inline int factsh_el_addfn(EditLine *el, const wchar_t *name, const wchar_t *help, factsh_key_fn fn) {
    return el_wset(el, EL_ADDFN, name, help, fn);
}

/* Puts the terminal into editing (1) or normal (0) mode. */
static inline int factsh_el_prep_term(EditLine *el, int editing) {
    return el_wset(el, EL_PREP_TERM, editing);
}

/* Redraws the prompt and line from the cursor's position. */
static inline int factsh_el_refresh(EditLine *el) {
    return el_wset(el, EL_REFRESH);
}

/* Sets the function that reads one character (factsh_el_read_char). */
static inline int factsh_el_set_getcfn(EditLine *el, el_rfunc_t fn) {
    return el_wset(el, EL_GETCFN, fn);
}

/* ---------------------------------------------------------------------------------------
 * History: fixed-argument wrappers of history_w
 * ------------------------------------------------------------------------------------- */

static inline int factsh_el_set_history(EditLine *el, HistoryW *history) {
    return el_wset(el, EL_HIST, history_w, history);
}

static inline int factsh_history_setsize(HistoryW *history, int size) {
    HistEventW ev;
    return history_w(history, &ev, H_SETSIZE, size);
}

static inline int factsh_history_setunique(HistoryW *history, int unique) {
    HistEventW ev;
    return history_w(history, &ev, H_SETUNIQUE, unique);
}

static inline int factsh_history_enter(HistoryW *history, const wchar_t *entry) {
    HistEventW ev;
    return history_w(history, &ev, H_ENTER, entry);
}

static inline int factsh_history_clear(HistoryW *history) {
    HistEventW ev;
    return history_w(history, &ev, H_CLEAR);
}

static inline int factsh_history_count(HistoryW *history) {
    HistEventW ev;
    if (history_w(history, &ev, H_GETSIZE) < 0) return 0;
    return ev.num;
}

/* ---------------------------------------------------------------------------------------
 * Signals [signals]
 *
 * The handlers only set flags. They are installed without SA_RESTART so that a blocking
 * read or poll returns with EINTR and the caller can look at the flags.
 * ------------------------------------------------------------------------------------- */

typedef struct factsh_signal_state {
    volatile sig_atomic_t interrupt;    /* SIGINT: cancel the line or the running statement */
    volatile sig_atomic_t terminate;    /* SIGTERM / SIGHUP / SIGQUIT number, or 0 */
    volatile sig_atomic_t resize;       /* SIGWINCH */
    volatile sig_atomic_t suspend;      /* SIGTSTP while editing */
    volatile sig_atomic_t resumed;      /* SIGCONT while editing */
} factsh_signal_state;

/* [signals] The one copy of the flags (per object file; see the top of this file). */
static inline factsh_signal_state *factsh_signals(void) {
    static factsh_signal_state state;
    return &state;
}

/* Called by factsh_el_read_char after el_resize, to redraw the line for the new width. */
typedef void (*factsh_resize_fn)(EditLine *);

/* [signals] */
static inline factsh_resize_fn *factsh__resize_hook(void) {
    static factsh_resize_fn hook;
    return &hook;
}

/* [signals] Sets the function that redraws the line after the window changed size. */
static inline void factsh_set_resize_hook(factsh_resize_fn hook) { *factsh__resize_hook() = hook; }

static inline void factsh_on_interrupt(int sig) { (void)sig; factsh_signals()->interrupt = 1; }

static inline void factsh_on_terminate(int sig) {
    factsh_signal_state *s = factsh_signals();
    if (s->terminate != 0) {
        /* A second request while the first is still being honoured: die now. The terminal is
         * in normal mode everywhere except inside the editor's read, which returns on the
         * first request. */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    s->terminate = sig;
}

static inline void factsh_on_editing_signal(int sig) {
    factsh_signal_state *s = factsh_signals();
    if (sig == SIGWINCH) s->resize = 1;
    else if (sig == SIGTSTP) s->suspend = 1;
    else if (sig == SIGCONT) s->resumed = 1;
}

static inline int factsh__install(int sig, void (*handler)(int), struct sigaction *previous) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a blocking read returns EINTR */
    return sigaction(sig, &sa, previous);
}

/* A process may start with signals blocked (some spawners pass on a full mask); the shell
 * must see the ones it handles. */
static inline void factsh__unblock(int sig) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* [signals] Handlers for the whole interactive session: SIGINT sets the interrupt flag;
 * SIGTERM, SIGHUP and SIGQUIT ask the session to end (a second one kills). */
static inline void factsh_signals_install_session(void) {
    factsh__install(SIGINT, factsh_on_interrupt, NULL);
    factsh__install(SIGTERM, factsh_on_terminate, NULL);
    factsh__install(SIGHUP, factsh_on_terminate, NULL);
    factsh__install(SIGQUIT, factsh_on_terminate, NULL);
    factsh__unblock(SIGINT);
    factsh__unblock(SIGTERM);
    factsh__unblock(SIGHUP);
    factsh__unblock(SIGQUIT);
}

/* [signals] Just the SIGINT flag handler (for callers outside the REPL). */
static inline void factsh_signals_install_interrupt(void) {
    factsh__install(SIGINT, factsh_on_interrupt, NULL);
    factsh__unblock(SIGINT);
}

/* [signals] Back to the default actions. */
static inline void factsh_signals_restore_session(void) {
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGQUIT, SIG_DFL);
}

/* [signals] Handlers that matter only while a line is being edited (the terminal is in raw
 * mode then): window size changes, suspend and resume. */
static inline void factsh_signals_install_editing(void) {
    factsh_signal_state *s = factsh_signals();
    s->resize = 0;
    s->suspend = 0;
    s->resumed = 0;
    factsh__install(SIGWINCH, factsh_on_editing_signal, NULL);
    factsh__install(SIGTSTP, factsh_on_editing_signal, NULL);
    factsh__install(SIGCONT, factsh_on_editing_signal, NULL);
    factsh__unblock(SIGWINCH);
    factsh__unblock(SIGTSTP);
    factsh__unblock(SIGCONT);
}

/* [signals] */
static inline void factsh_signals_restore_editing(void) {
    signal(SIGWINCH, SIG_DFL);
    signal(SIGTSTP, SIG_DFL);
    signal(SIGCONT, SIG_DFL);
}

/* [signals] */
static inline int factsh_interrupt_pending(void) { return factsh_signals()->interrupt != 0; }
/* [signals] */
static inline void factsh_interrupt_clear(void) { factsh_signals()->interrupt = 0; }
/* [signals] The signal that asked the session to end, or 0. */
static inline int factsh_terminate_signal(void) { return (int)factsh_signals()->terminate; }

/*
 * [signals] The editor's read-one-character function (EL_GETCFN). Like libedit's own, it
 * reads bytes from standard input and decodes them with mbrtowc; unlike it, it acts on the
 * signal flags in normal (not signal) context:
 *   SIGINT / SIGTERM / SIGHUP  -> returns -1 with errno EINTR, so el_wgets returns NULL;
 *   SIGWINCH                   -> el_resize, the resize hook (redraw), keep reading;
 *   SIGTSTP                    -> normal terminal mode, stop; on resume raw mode and redraw;
 *   SIGCONT                    -> raw mode again and redraw.
 * The signals are blocked except inside pselect, so a flag set just before the wait is
 * still seen (no lost wake-up).
 */
static inline int factsh_el_read_char(EditLine *el, wchar_t *wc) {
    factsh_signal_state *s = factsh_signals();
    sigset_t block, previous;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGQUIT);
    sigaddset(&block, SIGWINCH);
    sigaddset(&block, SIGTSTP);
    sigaddset(&block, SIGCONT);
    sigprocmask(SIG_BLOCK, &block, &previous);

    char bytes[MB_LEN_MAX];
    size_t count = 0;
    int result;
    int fixed_nonblocking = 0;
    for (;;) {
        if (s->interrupt || s->terminate) {
            errno = EINTR;
            result = -1;
            break;
        }
        if (s->resize) {
            s->resize = 0;
            el_resize(el);
            factsh_resize_fn hook = *factsh__resize_hook();
            if (hook != NULL) hook(el);
        }
        if (s->suspend) {
            s->suspend = 0;
            factsh_el_prep_term(el, 0);
            signal(SIGTSTP, SIG_DFL);
            sigset_t tstp;
            sigemptyset(&tstp);
            sigaddset(&tstp, SIGTSTP);
            raise(SIGTSTP);
            sigprocmask(SIG_UNBLOCK, &tstp, NULL); /* stops here until SIGCONT */
            sigprocmask(SIG_BLOCK, &tstp, NULL);
            factsh__install(SIGTSTP, factsh_on_editing_signal, NULL);
            /* The SIGCONT that woke us is pending (blocked); it sets `resumed` in pselect. */
        }
        if (s->resumed) {
            s->resumed = 0;
            factsh_el_prep_term(el, 0);
            factsh_el_prep_term(el, 1);
            el_resize(el);
            fputs("\r", stdout); /* the job control shell left the cursor on a fresh line */
            factsh_el_refresh(el);
            continue;
        }

        fd_set readable;
        FD_ZERO(&readable);
        FD_SET(STDIN_FILENO, &readable);
        int ready = pselect(STDIN_FILENO + 1, &readable, NULL, NULL, NULL, &previous);
        if (ready < 0) {
            if (errno == EINTR) continue;
            result = -1;
            break;
        }
        ssize_t n = read(STDIN_FILENO, bytes + count, 1);
        if (n < 0) {
            if (errno == EINTR) continue;
            if ((errno == EAGAIN || errno == EWOULDBLOCK) && !fixed_nonblocking) {
                int flags = fcntl(STDIN_FILENO, F_GETFL, 0);
                if (flags != -1) fcntl(STDIN_FILENO, F_SETFL, flags & ~O_NONBLOCK);
                fixed_nonblocking = 1;
                continue;
            }
            result = -1;
            break;
        }
        if (n == 0) {
            result = 0;
            break;
        }
        count += 1;
        mbstate_t state;
        memset(&state, 0, sizeof state);
        size_t decoded = mbrtowc(wc, bytes, count, &state);
        if (decoded == (size_t)-2) {
            if (count < MB_LEN_MAX) continue; /* incomplete: read another byte */
            count = 0;                        /* too long: drop it */
            continue;
        }
        if (decoded == (size_t)-1) {
            /* Invalid: drop what came before; the last byte may start a new character. */
            if (count > 1) {
                bytes[0] = bytes[count - 1];
                count = 1;
                memset(&state, 0, sizeof state);
                decoded = mbrtowc(wc, bytes, count, &state);
                if (decoded == (size_t)-2) continue;
                if (decoded != (size_t)-1) { result = 1; break; }
            }
            count = 0;
            continue;
        }
        result = 1;
        break;
    }
    if (result != 1) *wc = L'\0';
    int saved = errno;
    sigprocmask(SIG_SETMASK, &previous, NULL);
    errno = saved;
    return result;
}

/* [signals] The address of factsh_el_read_char, taken in the one object file that owns the flags. */
static inline el_rfunc_t factsh_el_read_char_function(void) { return factsh_el_read_char; }

#endif /* FACTSH_CLIBEDIT_SHIM_H */
