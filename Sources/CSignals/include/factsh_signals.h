/*
 * CSignals: the process's signal state, in one real C file (signals.c).
 *
 * Every flag a signal handler sets, and every function that waits on those flags, lives in
 * signals.c, so the process has exactly one copy of the state whatever the build. (A `static`
 * inside a `static inline` header function has one copy per object file that emits it: in an
 * optimised build the handler set one copy and the editor and the engine read others, and
 * Ctrl-C did nothing.) `nm factsh | grep factsh_signal_state` shows the one copy.
 *
 * Handlers only set flags (`volatile sig_atomic_t`), installed without SA_RESTART so that a
 * blocking read, write, open or poll returns EINTR and its caller looks at the flags. The one
 * exception is "exit now" mode (factsh_signals_set_exit_now), for stretches where nothing can
 * poll and nothing needs saving, such as loading the graph at start: there a handler calls
 * _exit(128 + N).
 */
#ifndef FACTSH_SIGNALS_H
#define FACTSH_SIGNALS_H

#include <stddef.h>
#include <sys/types.h>
#include <wchar.h>

struct editline;

/* ---- Installing -------------------------------------------------------------------------- */

/* SIGINT sets the interrupt flag; SIGTERM, SIGHUP and SIGQUIT set the termination signal (a
 * second one while the first is being honoured kills with the default action). Used by the
 * interactive shell and by scripts alike. Unblocks them (a spawner may pass a full mask). */
void factsh_signals_install(void);

/* Back to the default actions for the four signals above. */
void factsh_signals_restore(void);

/* While on, SIGINT, SIGTERM, SIGHUP and SIGQUIT end the process at once with status
 * 128 + N (for stretches that cannot poll, such as loading the graph at start). If a signal
 * came before this is turned on, turning it on exits at once too. */
void factsh_signals_set_exit_now(int on);

/* ---- Flags ------------------------------------------------------------------------------- */

/* 1 once Ctrl-C (SIGINT) came and was not cleared since. */
int factsh_interrupt_pending(void);
/* Forgets a Ctrl-C (never a request to end the process). */
void factsh_interrupt_clear(void);
/* The signal (SIGTERM, SIGHUP, SIGQUIT) that asked the process to end, or 0. */
int factsh_terminate_signal(void);
/* 1 when the running work should stop: a Ctrl-C, or a request to end. */
int factsh_cancel_requested(void);

/* ---- Interruptible I/O ------------------------------------------------------------------- */

/* Writes all `count` bytes to `fd`. Returns 0 when all were written, -1 on an error (errno
 * set), -2 when a signal asked to stop (factsh_cancel_requested) while the write waited;
 * `*written` (if not NULL) is how many bytes went out. */
int factsh_write_all(int fd, const void *bytes, size_t count, size_t *written);

/* Reads up to `capacity` bytes from `fd`: the count, 0 at end of input, -1 on an error
 * (errno set), -2 when a signal asked to stop while the read waited. */
long factsh_read_some(int fd, void *buffer, size_t capacity);

/* open(2) for writing that a signal can interrupt (opening a FIFO waits for a reader):
 * the descriptor, -1 on an error (errno set), -2 when a signal asked to stop. */
int factsh_open_for_writing(const char *path, int flags, int mode);

/* ---- The line editor --------------------------------------------------------------------- */

/* Handlers that matter only while a line is being edited (the terminal is raw then): window
 * size changes, suspend (Ctrl-Z) and resume. */
void factsh_signals_install_editing(void);
void factsh_signals_restore_editing(void);

/* What the editor's read function calls after a window size change (and el_resize), to
 * redraw the line for the new width. */
typedef void (*factsh_resize_fn)(struct editline *);
void factsh_signals_set_resize_hook(factsh_resize_fn hook);

/* What the editor's read function calls each time before it waits for input: the prompt and
 * the line are on the screen by then (work that must not delay the prompt starts there). */
typedef void (*factsh_wait_fn)(struct editline *);
void factsh_signals_set_wait_hook(factsh_wait_fn hook);

/* Whether the terminal is in bracketed-paste mode (xterm's mode 2004, turned on by the line
 * editor while it reads a line): a suspend (Ctrl-Z) turns it off for the job-control shell and
 * back on at resume. */
void factsh_signals_set_bracketed_paste(int on);

/* Whether the terminal on standard input echoes control characters (ECHOCTL), so that Ctrl-C
 * pressed while a statement runs does not write "^C" among its rows. Returns the previous
 * setting (1 or 0), or -1 when standard input is no terminal. */
int factsh_tty_set_echoctl(int on);

/* Makes `el` read its characters through factsh_el_read_char (EL_GETCFN) and turns off
 * libedit's own signal handling (EL_SIGNAL), which sends each signal on to the whole process
 * group. Returns 0 on success. */
int factsh_signals_attach_editor(struct editline *el);

/*
 * The editor's read-one-character function. Like libedit's own, it reads bytes from standard
 * input and decodes them with mbrtowc; unlike it, it acts on the signal flags in normal (not
 * signal) context:
 *   SIGINT / SIGTERM / SIGHUP / SIGQUIT -> returns -1 with errno EINTR (el_wgets returns NULL);
 *   SIGWINCH -> el_resize, the resize hook (redraw), keep reading;
 *   SIGTSTP  -> normal terminal mode, stop; on resume raw mode and redraw;
 *   SIGCONT  -> raw mode again and redraw.
 */
int factsh_el_read_char(struct editline *el, wchar_t *wc);

#endif /* FACTSH_SIGNALS_H */
