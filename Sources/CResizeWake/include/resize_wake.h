#ifndef PGSECURE_RESIZE_WAKE_H
#define PGSECURE_RESIZE_WAKE_H
// SIGWINCH for the wizard: curses' own handler runs first (it marks the resize for its next read), then a byte goes
// to `wake_descriptor`, so a wait on that pipe ends even when the signal landed on another thread. Written in C so
// the handler touches no Swift runtime state.
void pgs_install_resize_wake(int wake_descriptor);
void pgs_uninstall_resize_wake(void);
#endif
