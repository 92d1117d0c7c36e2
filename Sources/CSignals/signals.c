/*
 * The process's signal state and everything that waits on it. See include/factsh_signals.h
 * for why this is a real C file and not header code.
 */
#include "factsh_signals.h"

#include <histedit.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <termios.h>
#include <unistd.h>

/* The one copy of the flags. */
static struct {
    volatile sig_atomic_t interrupt;  /* SIGINT: cancel the line or the running work */
    volatile sig_atomic_t terminate;  /* SIGTERM / SIGHUP / SIGQUIT number, or 0 */
    volatile sig_atomic_t exit_now;   /* end the process in the handler (nothing can poll) */
    volatile sig_atomic_t resize;     /* SIGWINCH while editing */
    volatile sig_atomic_t suspend;    /* SIGTSTP while editing */
    volatile sig_atomic_t resumed;    /* SIGCONT while editing */
} factsh_signal_state;

static factsh_resize_fn factsh_resize_hook;
static factsh_wait_fn factsh_wait_hook;
/* The terminal was asked to bracket pastes (set by the line editor around each line it reads). */
static int factsh_bracketed_paste;

/* ---- Handlers ------------------------------------------------------------------------------ */

static void on_interrupt(int sig) {
    if (factsh_signal_state.exit_now) _exit(128 + sig);
    factsh_signal_state.interrupt = 1;
}

static void on_terminate(int sig) {
    if (factsh_signal_state.exit_now) _exit(128 + sig);
    if (factsh_signal_state.terminate != 0) {
        /* A second request while the first is still being honoured: die now. */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    factsh_signal_state.terminate = sig;
}

static void on_editing_signal(int sig) {
    if (sig == SIGWINCH) factsh_signal_state.resize = 1;
    else if (sig == SIGTSTP) factsh_signal_state.suspend = 1;
    else if (sig == SIGCONT) factsh_signal_state.resumed = 1;
}

static void install(int sig, void (*handler)(int)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a blocking call returns EINTR */
    sigaction(sig, &sa, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

void factsh_signals_install(void) {
    install(SIGINT, on_interrupt);
    install(SIGTERM, on_terminate);
    install(SIGHUP, on_terminate);
    install(SIGQUIT, on_terminate);
}

void factsh_signals_restore(void) {
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGQUIT, SIG_DFL);
}

void factsh_signals_set_exit_now(int on) {
    factsh_signal_state.exit_now = on ? 1 : 0;
    if (on) {
        if (factsh_signal_state.terminate) _exit(128 + factsh_signal_state.terminate);
        if (factsh_signal_state.interrupt) _exit(128 + SIGINT);
    }
}

/* ---- Flags --------------------------------------------------------------------------------- */

int factsh_interrupt_pending(void) { return factsh_signal_state.interrupt != 0; }
void factsh_interrupt_clear(void) { factsh_signal_state.interrupt = 0; }
int factsh_terminate_signal(void) { return (int)factsh_signal_state.terminate; }
int factsh_cancel_requested(void) {
    return factsh_signal_state.interrupt != 0 || factsh_signal_state.terminate != 0;
}

/* ---- Interruptible I/O --------------------------------------------------------------------- */

int factsh_write_all(int fd, const void *bytes, size_t count, size_t *written) {
    const char *p = bytes;
    size_t done = 0;
    int result = 0;
    while (done < count) {
        ssize_t n = write(fd, p + done, count - done);
        if (n < 0) {
            if (errno == EINTR) {
                if (factsh_cancel_requested()) { result = -2; break; }
                continue;
            }
            result = -1;
            break;
        }
        done += (size_t)n;
    }
    if (written) *written = done;
    return result;
}

long factsh_read_some(int fd, void *buffer, size_t capacity) {
    for (;;) {
        if (factsh_cancel_requested()) return -2;
        ssize_t n = read(fd, buffer, capacity);
        if (n >= 0) return (long)n;
        if (errno == EINTR) continue;
        return -1;
    }
}

int factsh_open_for_writing(const char *path, int flags, int mode) {
    for (;;) {
        int fd = open(path, flags, mode);
        if (fd >= 0) return fd;
        if (errno != EINTR) return -1;
        if (factsh_cancel_requested()) return -2;
    }
}

/* ---- The line editor ----------------------------------------------------------------------- */

void factsh_signals_install_editing(void) {
    factsh_signal_state.resize = 0;
    factsh_signal_state.suspend = 0;
    factsh_signal_state.resumed = 0;
    install(SIGWINCH, on_editing_signal);
    install(SIGTSTP, on_editing_signal);
    install(SIGCONT, on_editing_signal);
}

void factsh_signals_restore_editing(void) {
    signal(SIGWINCH, SIG_DFL);
    signal(SIGTSTP, SIG_DFL);
    signal(SIGCONT, SIG_DFL);
}

void factsh_signals_set_resize_hook(factsh_resize_fn hook) { factsh_resize_hook = hook; }

void factsh_signals_set_wait_hook(factsh_wait_fn hook) { factsh_wait_hook = hook; }

void factsh_signals_set_bracketed_paste(int on) { factsh_bracketed_paste = on ? 1 : 0; }

int factsh_signals_attach_editor(struct editline *el) {
    if (el_wset(el, EL_SIGNAL, 0) != 0) return -1;
    return el_wset(el, EL_GETCFN, factsh_el_read_char);
}

/*
 * The signals are blocked except inside pselect, so a flag set just before the wait is still
 * seen (no lost wake-up).
 */
int factsh_el_read_char(struct editline *el, wchar_t *wc) {
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
        if (factsh_signal_state.interrupt || factsh_signal_state.terminate) {
            errno = EINTR;
            result = -1;
            break;
        }
        if (factsh_signal_state.resize) {
            factsh_signal_state.resize = 0;
            el_resize(el);
            if (factsh_resize_hook != NULL) factsh_resize_hook(el);
        }
        if (factsh_signal_state.suspend) {
            factsh_signal_state.suspend = 0;
            el_wset(el, EL_PREP_TERM, 0);
            if (factsh_bracketed_paste) { fputs("\033[?2004l", stdout); fflush(stdout); }
            signal(SIGTSTP, SIG_DFL);
            sigset_t tstp;
            sigemptyset(&tstp);
            sigaddset(&tstp, SIGTSTP);
            raise(SIGTSTP);
            sigprocmask(SIG_UNBLOCK, &tstp, NULL); /* stops here until SIGCONT */
            sigprocmask(SIG_BLOCK, &tstp, NULL);
            install(SIGTSTP, on_editing_signal);
            sigprocmask(SIG_BLOCK, &tstp, NULL);
            /* The SIGCONT that woke us is pending (blocked); it sets `resumed` in pselect. */
        }
        if (factsh_signal_state.resumed) {
            factsh_signal_state.resumed = 0;
            el_wset(el, EL_PREP_TERM, 0);
            el_wset(el, EL_PREP_TERM, 1);
            el_resize(el);
            if (factsh_bracketed_paste) fputs("\033[?2004h", stdout);
            fputs("\r", stdout); /* the job control shell left the cursor on a fresh line */
            el_wset(el, EL_REFRESH);
            continue;
        }

        if (factsh_wait_hook != NULL) factsh_wait_hook(el);
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

int factsh_tty_set_echoctl(int on) {
    struct termios t;
    if (tcgetattr(STDIN_FILENO, &t) != 0) return -1;
    int was = (t.c_lflag & ECHOCTL) != 0;
    if (was == (on != 0)) return was;
    if (on) t.c_lflag |= ECHOCTL; else t.c_lflag &= ~(tcflag_t)ECHOCTL;
    (void)tcsetattr(STDIN_FILENO, TCSANOW, &t);
    return was;
}
