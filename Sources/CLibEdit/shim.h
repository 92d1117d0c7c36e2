/*
 * CLibEdit: libedit (BSD editline) for the factsh shell, plus the small C glue that Swift
 * cannot express itself.
 *
 *  - Swift cannot call C-variadic functions, so every variadic libedit call the shell uses
 *    (el_wset, el_wget, history_w) has a fixed-argument wrapper here, one per operation.
 *  - Swift 6 rejects the `stdin`/`stdout`/`stderr` globals as shared mutable state, so
 *    everything that needs those FILE pointers is done here.
 *
 * Everything here is `static inline` because a system-library target has no C sources, and
 * so nothing here may hold state: a `static` variable inside a `static inline` function
 * exists once per object file that emits it. Signal flags, handlers and the editor's
 * signal-aware read function live in the CSignals target (Sources/CSignals/signals.c).
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

#endif /* FACTSH_CLIBEDIT_SHIM_H */
