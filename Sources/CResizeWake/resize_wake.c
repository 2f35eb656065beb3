#include "resize_wake.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static struct sigaction curses_action;
static volatile sig_atomic_t wake = -1;

static void handle_resize(int number) {
    int saved_errno = errno;  /* the interrupted code's errno must survive the write below */
    if (!(curses_action.sa_flags & SA_SIGINFO) && curses_action.sa_handler != SIG_DFL &&
        curses_action.sa_handler != SIG_IGN) {
        curses_action.sa_handler(number);
    }
    if (wake >= 0) {
        char byte = 1;
        (void) !write(wake, &byte, 1);
    }
    errno = saved_errno;
}

void pgs_install_resize_wake(int wake_descriptor) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handle_resize;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    wake = wake_descriptor;
    sigaction(SIGWINCH, &action, &curses_action);
}

void pgs_uninstall_resize_wake(void) {
    sigaction(SIGWINCH, &curses_action, NULL);
    wake = -1;
}
