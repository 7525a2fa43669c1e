/* SPDX-License-Identifier: MIT */
/*
 * Small shared pieces: the error value every module returns through, logging,
 * a string builder and a string-keyed hash map. Nothing here knows about
 * SQLite or Lua.
 */
#ifndef CONCORD_UTIL_H
#define CONCORD_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CC_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

/* Exit codes from sysexits.h, named here so no module needs that header. */
enum cc_status {
    CC_OK = 0,
    CC_EUSAGE = 64,    /* command line usage error */
    CC_EDATA = 65,     /* bad input data: the import was rolled back */
    CC_ENOINPUT = 66,  /* an input file is missing or unreadable */
    CC_ESOFTWARE = 70, /* internal error: a bug in Concord */
    CC_EIO = 74,       /* I/O error on the database or an output */
    CC_EBUSY = 75,     /* another process holds the database's write lock */
};

/**
 * An error travels as a status plus a message owned by the caller. The first
 * failure wins: later cc_fail() calls on an error that is already set keep the
 * original message, because the first cause is the one a user can act on.
 */
struct cc_error {
    int status;
    char msg[2048];
};

int cc_fail(struct cc_error *e, int status, const char *fmt, ...) CC_PRINTF(3, 4);
void cc_error_clear(struct cc_error *e);

/* Logging to stderr. stdout is reserved for the command's output. */
enum cc_log_level { CC_LOG_ERROR, CC_LOG_WARN, CC_LOG_INFO, CC_LOG_DEBUG };
extern enum cc_log_level cc_log_threshold;
void cc_log(enum cc_log_level level, const char *fmt, ...) CC_PRINTF(2, 3);

/* A growable NUL-terminated string. */
struct sbuf {
    char *s;
    size_t len, cap;
};
void sbuf_init(struct sbuf *b);
void sbuf_free(struct sbuf *b);
void sbuf_reset(struct sbuf *b);
void sbuf_addn(struct sbuf *b, const char *s, size_t n);
void sbuf_adds(struct sbuf *b, const char *s);
void sbuf_addc(struct sbuf *b, char c);
void sbuf_printf(struct sbuf *b, const char *fmt, ...) CC_PRINTF(2, 3);
/** Appends s as a JSON string literal, quotes included. */
void sbuf_add_json_string(struct sbuf *b, const char *s);

/* Allocation that aborts on failure: used only where the process cannot continue. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/** Copies src into dst (size bytes), truncating, always NUL-terminated: for hot
 * paths where snprintf's formatting costs more than the copy. Returns dst. */
char *cc_strlcpy(char *dst, const char *src, size_t size);

/**
 * A string -> int64 map with open addressing. Keys are copied. Used for
 * per-import caches (unit names to ids, event keys to ids), which stay small.
 */
struct strmap {
    struct strmap_slot *slots;
    size_t cap, count;
};
void strmap_init(struct strmap *m);
void strmap_free(struct strmap *m);
bool strmap_get(const struct strmap *m, const char *key, size_t len, int64_t *value);
void strmap_put(struct strmap *m, const char *key, size_t len, int64_t value);
/** Iterates: start with *pos = 0; returns false after the last entry. Order is arbitrary. */
bool strmap_next(const struct strmap *m, size_t *pos, const char **key, int64_t *value);

uint64_t cc_hash64(const void *data, size_t len);

/** Current UTC time as "YYYY-MM-DDTHH:MM:SSZ" (honours SOURCE_DATE_EPOCH). */
void cc_now_iso(char out[21]);
/** Monotonic seconds, for progress and timing. */
double cc_monotonic(void);

/**
 * The files in dir whose names end in suffix (dot-files left out), as
 * "dir/name" paths in name order, so that load orders are deterministic.
 * Returns 0, or -1 with errno when dir cannot be read. Free with cc_free_list.
 */
/** qsort comparator for an array of C strings. */
int cc_cmp_strings(const void *a, const void *b);

int cc_list_files(const char *dir, const char *suffix, char ***out, size_t *n);
void cc_free_list(char **list, size_t n);

/** bin[0..n) as 2n lowercase hex digits and a NUL (out holds 2n + 1). */
void cc_hex(char *out, const unsigned char *bin, size_t n);
/** Exactly 2n hex digits (either case) into out[0..n); false otherwise. */
bool cc_unhex(unsigned char *out, size_t n, const char *hex, size_t len);
/** sha256 of a file's content as 64 hex digits, and its size. */
int cc_sha256_file(const char *path, char out[65], long long *bytes, struct cc_error *err);

/** Base name of a path, without copying. */
const char *cc_basename(const char *path);

#endif
