#ifndef PGSECURE_CNCURSES_SHIM_H
#define PGSECURE_CNCURSES_SHIM_H
// SwiftPM drops pkg-config's -D flags, so ask for the wide-character API here.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <langinfo.h>
#include <locale.h>
#include <string.h>
#include <wchar.h>
#include <curses.h>

// Swift 6 rejects the mutable C globals (stdscr, LINES, COLS) and does not import A_* masks or getmaxyx:
// these accessors give it exactly what it needs.
static inline WINDOW *pgs_stdscr(void) { return stdscr; }
static inline int pgs_rows(void) { return getmaxy(stdscr); }
static inline int pgs_columns(void) { return getmaxx(stdscr); }

static inline attr_t pgs_attributes(int bold, int dim, int reverse, int underline) {
    attr_t attributes = A_NORMAL;
    if (bold) attributes |= A_BOLD;
    if (dim) attributes |= A_DIM;
    if (reverse) attributes |= A_REVERSE;
    if (underline) attributes |= A_UNDERLINE;
    return attributes;
}

static inline int pgs_set_style(attr_t attributes, short pair) { return wattr_set(stdscr, attributes, pair, NULL); }

static inline int pgs_put_wide(int row, int column, const wchar_t *text, int count) {
    return mvwaddnwstr(stdscr, row, column, text, count);
}

static inline int pgs_read_key(wint_t *key) { return wget_wch(stdscr, key); }

// A terminal that cannot move its cursor (TERM=dumb) cannot show a full-screen UI.
static inline int pgs_can_address_cursor(void) {
    const char *cup = tigetstr("cup");
    return cup != NULL && cup != (const char *)-1;
}

// After setlocale: whether the locale's character set is UTF-8 (LANG=C and POSIX are ASCII).
static inline int pgs_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}
#endif
