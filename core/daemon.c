/* SPDX-License-Identifier: MIT */
/*
 * concord daemon (daemon.h). Everything happens on one libuv loop thread
 * except three kinds of work on the libuv thread pool:
 *
 *   identify  hash + detect a file           any number at once (<= workers)
 *   parse     run the plugin, record output  any number at once (<= workers)
 *   write     store one parsed file, or run  ONE at a time: the only user of
 *             a reconcile or report job      the writer's connection
 *
 * Each identify/parse takes a plugin registry of its own from a pool, so no
 * Lua state is ever used by two threads at once. The loop thread owns every
 * data structure; workers touch only the file or task they were given, and
 * report back through uv_queue_work's after-work callback.
 *
 * A file's life: SETTLING (seen; waiting until size and mtime have not
 * changed for settle_seconds) -> READY -> IDENTIFYING -> TO_PARSE ->
 * PARSING -> PARSED -> STORING -> moved to processed/ (or failed/, with
 * NAME.error.txt) and forgotten. Content imported before is recognised by
 * its sha256 right after identification and is not parsed again.
 */
#define _GNU_SOURCE /* renameat2, malloc_trim */
#include "daemon.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "cli.h"
#include "config.h"
#include "import.h"
#include "normalise.h"
#include "privacy.h"
#include "reconcile.h"
#include "register.h"
#include "report.h"
#include "schedule.h"

#define WRITE_WAIT_SECONDS 5       /* the writer waits this long for a CLI writer */
#define RETRY_MAX_SECONDS 300      /* back-off cap for a busy or failing database */
#define KICK_MS 50                 /* fs events are gathered for this long before a scan */

/* ---------------------------------------------------------------- logging */

enum { L_ERROR, L_WARN, L_INFO, L_DEBUG };
static const char *const level_names[] = { "error", "warn", "info", "debug" };
static const int journal_priority[] = { 3, 4, 6, 7 }; /* sd-daemon.h: err, warning, info, debug */

static struct {
    bool json, journal;
    int level;
    long pid;
} lg = { false, false, L_INFO, 0 };

/* Extra fields of a JSON line: LS (string), LI (integer), LD (seconds and the like). */
struct lf {
    const char *key, *s;
    long long i;
    double d;
    char type;
};
#define LS(k, v) ((struct lf){ (k), (v), 0, 0, 's' })
#define LI(k, v) ((struct lf){ (k), NULL, (long long)(v), 0, 'i' })
#define LD(k, v) ((struct lf){ (k), NULL, 0, (double)(v), 'd' })
#define LEND ((struct lf){ NULL, NULL, 0, 0, 0 })

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static void iso_now_ms(char out[32])
{
    struct timespec ts;
    struct tm tm;
    char sec[24];

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(sec, sizeof sec, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 32, "%.23s.%03dZ", sec, (int)(ts.tv_nsec / 1000000) % 1000);
}

/*
 * One event, one line, one write(2): "concord[PID]: LEVEL: MESSAGE", or a
 * JSON object {"ts","level","event","file",...,"msg"}. Under journald the
 * line starts with the <N> priority and leaves out what the journal adds.
 */
static void logv(int level, const char *event, const char *file, const struct lf *fields,
                 const char *fmt, va_list ap) CC_PRINTF(5, 0);

static void logv(int level, const char *event, const char *file, const struct lf *fields,
                 const char *fmt, va_list ap)
{
    char msg[4096];
    struct sbuf b;

    if (level > lg.level)
        return;
    vsnprintf(msg, sizeof msg, fmt, ap);
    sbuf_init(&b);
    if (lg.journal)
        sbuf_printf(&b, "<%d>", journal_priority[level]);
    if (lg.json) {
        char ts[32];
        iso_now_ms(ts);
        sbuf_printf(&b, "{\"ts\":\"%s\",\"level\":\"%s\",\"event\":", ts, level_names[level]);
        sbuf_add_json_string(&b, event);
        if (file) {
            sbuf_adds(&b, ",\"file\":");
            sbuf_add_json_string(&b, file);
        }
        for (const struct lf *f = fields; f && f->key; f++) {
            sbuf_addc(&b, ',');
            sbuf_add_json_string(&b, f->key);
            sbuf_addc(&b, ':');
            if (f->type == 's' && f->s)
                sbuf_add_json_string(&b, f->s);
            else if (f->type == 's')
                sbuf_adds(&b, "null");
            else if (f->type == 'i')
                sbuf_printf(&b, "%lld", f->i);
            else
                sbuf_printf(&b, "%.3f", f->d);
        }
        sbuf_adds(&b, ",\"msg\":");
        sbuf_add_json_string(&b, msg);
        sbuf_addc(&b, '}');
    } else {
        /* One event per line, whatever the message holds. */
        for (char *p = msg; *p; p++) {
            if (*p == '\n' || *p == '\r')
                *p = ' ';
        }
        if (!lg.journal)
            sbuf_printf(&b, "concord[%ld]: ", lg.pid);
        sbuf_printf(&b, "%s: %s", level_names[level], msg);
    }
    sbuf_addc(&b, '\n');
    write_all(STDERR_FILENO, b.s, b.len);
    sbuf_free(&b);
}

static void logx(int level, const char *event, const char *file, const struct lf *fields,
                 const char *fmt, ...) CC_PRINTF(5, 6);

static void logx(int level, const char *event, const char *file, const struct lf *fields,
                 const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    logv(level, event, file, fields, fmt, ap);
    va_end(ap);
}

static int level_from_name(const char *s)
{
    for (int i = 0; i < 4; i++) {
        if (s && strcmp(s, level_names[i]) == 0)
            return i;
    }
    return L_INFO;
}

/* journald connects stderr to the journal and says so in JOURNAL_STREAM. */
static bool stderr_is_journal(void)
{
    const char *js = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat sb;

    if (js == NULL || sscanf(js, "%llu:%llu", &dev, &ino) != 2 || fstat(STDERR_FILENO, &sb) != 0)
        return false;
    return (unsigned long long)sb.st_dev == dev && (unsigned long long)sb.st_ino == ino;
}

/* ---------------------------------------------------------------- systemd notification */

/* sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET. */
static void sd_notify_msg(const char *msg)
{
    const char *path = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sa;
    size_t n;
    int fd;

    if (path == NULL || (path[0] != '/' && path[0] != '@'))
        return;
    n = strlen(path);
    if (n >= sizeof sa.sun_path)
        return;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, n);
    if (sa.sun_path[0] == '@')
        sa.sun_path[0] = '\0';
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    (void)sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa,
                 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n));
    close(fd);
}

/* ---------------------------------------------------------------- state */

enum fstate {
    F_SETTLING,    /* seen; waiting until it stops changing */
    F_READY,       /* complete; waiting for a worker */
    F_IDENTIFYING, /* hashing and detecting on a worker */
    F_TO_PARSE,    /* new content; waiting for a worker */
    F_PARSING,     /* the plugin runs on a worker */
    F_PARSED,      /* records in memory; waiting for the writer */
    F_STORING,     /* the writer stores it */
    F_KEPT,        /* left in the inbox on purpose: looked at again only when it changes */
};

struct daemon;
struct inbox;

/* What the work on a file reports back. */
struct fwork {
    int rc;
    struct cc_error err;
    struct import_result res;
};

struct file {
    struct daemon *d;
    struct inbox *in;
    struct file *hnext;            /* hash chain */
    struct file *prev, *next;      /* the queue, oldest first (by seq) */
    char *path;
    enum fstate state;
    long long size, mtime_ns;
    uint64_t stable_since;         /* uv_now() when size and mtime last changed */
    uint64_t retry_at;             /* uv_now() before which it is not retried */
    int retries;
    uint64_t seq;
    unsigned scan_mark;
    bool reg_failed;
    struct import_parsed *ip;
    struct fwork *w;               /* only while it is worked on: kept files stay small */
    double store_seconds;
    uv_work_t work;
};

struct inbox {
    struct daemon *d;
    struct inbox *next;
    char *path, *plugin;
    char *processed, *failed;      /* NULL: the file stays in the inbox */
    double settle;                 /* seconds */
    uv_fs_event_t ev;
    bool ev_init, watching, unavailable, dirty;
};

struct run;

struct schedule {
    struct daemon *d;
    struct schedule *next;
    char *name, *expr;
    struct cron cron;
    char **jobs;
    size_t njobs;
    uv_timer_t timer;
    time_t due;                    /* the next fire time (schedule clock) */
    struct run *run;               /* the run going on, or NULL */
};

struct run {
    struct daemon *d;
    struct run *next;
    struct schedule *sched;        /* NULL once a reload removed the schedule */
    char *name;
    char **jobs;
    size_t njobs, job;
    bool waiting_import;
    uint64_t import_seq;           /* the import job waits for files up to this seq */
    long counts_at_start[3];
    double started;
    bool failed;
};

enum wkind { W_STORE, W_RECONCILE, W_REPORT, W_IDLE };

struct wtask {
    struct daemon *d;
    struct wtask *next;
    enum wkind kind;
    struct file *f;
    struct run *run;
    uv_work_t work;
    int rc;
    struct cc_error err;
    struct reconcile_result rres;
    char summary[1024];
    double seconds;
};

struct daemon {
    struct globals *g;
    const struct daemon_options *opt;
    uv_loop_t loop;
    uv_signal_t sig_term, sig_int, sig_hup;
    uv_timer_t scan_timer, wake_timer, kick_timer;
    bool log_format_given;

    int lock_fd;
    char *lock_path;
    struct store *st;              /* the writer's connection: the writer thread's only */
    struct store *rd;              /* the loop thread's, for reading */
    char **dirs;                   /* plugin folders */
    size_t ndirs;
    struct plugin_registry *reg;   /* the writer's: looks plugins up by name */
    struct normaliser *norm;
    struct privacy *priv;
    double accept_fuzzy;
    struct tz *tz;

    /* Plugin registries for workers: one per worker at a time. */
    uv_mutex_t pool_mu;
    struct plugin_registry *pool[64];
    size_t npool;

    struct inbox *inboxes;
    struct schedule *schedules;
    struct run *runs;

    struct file **ftab;
    size_t fcap, fcount;
    struct file *qhead, *qtail;
    uint64_t seq;
    unsigned scan_gen;

    int workers, max_workers, max_parsed;
    bool writer_busy, writer_used;
    struct wtask *wcur, *wq_head, *wq_tail;

    atomic_int cancel;             /* stop parsing (the first SIGTERM) */
    atomic_int interrupt;          /* roll the writer's transaction back (the second) */
    bool stopping, closing;
    struct config *pending;        /* a checked configuration waiting for a quiet moment */

    double clock_origin;
    uint64_t hr_origin;
    long counts[3];                /* imported, unchanged, failed since start */
    double scan_interval;
};

static void pump(struct daemon *d);
static void scan_inbox(struct daemon *d, struct inbox *in);

/* ---------------------------------------------------------------- small helpers */

static char *path_join(const char *a, const char *b)
{
    struct sbuf s;

    sbuf_init(&s);
    sbuf_printf(&s, "%s/%s", a, b);
    return s.s;
}

/* mkdir -p, for folders Concord makes itself (inboxes, processed/, failed/, reports). */
static int mkdir_p(const char *path)
{
    char buf[PATH_MAX];
    size_t n = strlen(path);

    if (n == 0 || n >= sizeof buf)
        return errno = ENAMETOOLONG, -1;
    memcpy(buf, path, n + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

static bool ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/*
 * Names that are never imported: dot-files (.x, .#lock, editors' swap
 * files), names of files still being written (*.tmp, *.part, *.partial,
 * *.crdownload, *~, ~$x office lock files) and the reasons Concord writes
 * beside failed files (*.error.txt).
 */
static bool ignored_name(const char *name)
{
    static const char *const suffixes[] = { ".tmp", ".part", ".partial", ".crdownload",
                                            ".error.txt", NULL };
    size_t n = strlen(name);

    if (n == 0 || name[0] == '.' || name[n - 1] == '~' || strncmp(name, "~$", 2) == 0)
        return true;
    for (int i = 0; suffixes[i]; i++) {
        if (ends_with_ci(name, suffixes[i]))
            return true;
    }
    return false;
}

static long long mtime_ns(const struct stat *sb)
{
    return (long long)sb->st_mtim.tv_sec * 1000000000LL + sb->st_mtim.tv_nsec;
}

/* ---------------------------------------------------------------- the clock */

static double real_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * THE clock of the schedules, the one place that says what time it is. The
 * real clock; or in test mode (--tick S) a clock that starts at the real
 * time and runs 60/S times faster.
 */
static double sched_now(const struct daemon *d)
{
    if (d->opt->tick <= 0)
        return real_now();
    return d->clock_origin + (double)(uv_hrtime() - d->hr_origin) / 1e9 * 60.0 / d->opt->tick;
}

/* Real milliseconds until schedule time t. Real time is looked at again at
 * least every minute, so a wall clock that jumps (NTP, suspend) is followed. */
static uint64_t sched_delay_ms(const struct daemon *d, time_t t)
{
    double dt = (double)t - sched_now(d);

    if (dt < 0)
        dt = 0;
    if (d->opt->tick > 0)
        dt = dt * d->opt->tick / 60.0;
    else if (dt > 60)
        dt = 60;
    return (uint64_t)(dt * 1000.0) + 1;
}

static void format_time(const struct daemon *d, time_t t, char *buf, size_t n)
{
    if (d->tz == NULL || tz_format(d->tz, t, buf, n) != 0)
        snprintf(buf, n, "%lld", (long long)t);
}

/* ---------------------------------------------------------------- files: table and queue */

static size_t fhash(const struct daemon *d, const char *path)
{
    return (size_t)(cc_hash64(path, strlen(path)) & (d->fcap - 1));
}

static struct file *file_find(struct daemon *d, const char *path)
{
    if (d->fcap == 0)
        return NULL;
    for (struct file *f = d->ftab[fhash(d, path)]; f; f = f->hnext) {
        if (strcmp(f->path, path) == 0)
            return f;
    }
    return NULL;
}

static void ftab_insert(struct daemon *d, struct file *f)
{
    if (d->fcount + 1 > d->fcap) {
        size_t old = d->fcap;
        struct file **t = d->ftab;
        d->fcap = old ? old * 2 : 256;
        d->ftab = xcalloc(d->fcap, sizeof *d->ftab);
        for (size_t i = 0; i < old; i++) {
            for (struct file *x = t[i], *nx; x; x = nx) {
                nx = x->hnext;
                size_t h = fhash(d, x->path);
                x->hnext = d->ftab[h];
                d->ftab[h] = x;
            }
        }
        free(t);
    }
    size_t h = fhash(d, f->path);
    f->hnext = d->ftab[h];
    d->ftab[h] = f;
    d->fcount++;
}

static void ftab_remove(struct daemon *d, struct file *f)
{
    for (struct file **p = &d->ftab[fhash(d, f->path)]; *p; p = &(*p)->hnext) {
        if (*p == f) {
            *p = f->hnext;
            d->fcount--;
            return;
        }
    }
}

static void queue_append(struct daemon *d, struct file *f)
{
    f->next = NULL;
    f->prev = d->qtail;
    if (d->qtail)
        d->qtail->next = f;
    else
        d->qhead = f;
    d->qtail = f;
}

static void queue_unlink(struct daemon *d, struct file *f)
{
    if (f->prev)
        f->prev->next = f->next;
    else
        d->qhead = f->next;
    if (f->next)
        f->next->prev = f->prev;
    else
        d->qtail = f->prev;
    f->prev = f->next = NULL;
}

static void file_drop(struct daemon *d, struct file *f)
{
    ftab_remove(d, f);
    queue_unlink(d, f);
    import_parsed_free(f->ip);
    free(f->w);
    free(f->path);
    free(f);
}

/* Left in the inbox on purpose: only its size and time are remembered. */
static void file_keep(struct file *f)
{
    f->state = F_KEPT;
    import_parsed_free(f->ip);
    f->ip = NULL;
    free(f->w);
    f->w = NULL;
}

/* A file that changed is new work: a new place at the end of the queue. */
static void file_restart(struct daemon *d, struct file *f, const struct stat *sb)
{
    f->state = F_SETTLING;
    f->size = (long long)sb->st_size;
    f->mtime_ns = mtime_ns(sb);
    f->stable_since = uv_now(&d->loop);
    f->retry_at = 0;
    f->retries = 0;
    f->seq = ++d->seq;
    import_parsed_free(f->ip);
    f->ip = NULL;
    free(f->w);
    f->w = NULL;
    queue_unlink(d, f);
    queue_append(d, f);
}

static uint64_t settle_ms(const struct file *f)
{
    return (uint64_t)(f->in->settle * 1000.0);
}

/* What a stat says about a file in an inbox. */
static void file_observe(struct daemon *d, struct inbox *in, const char *path,
                         const struct stat *sb)
{
    struct file *f = file_find(d, path);
    uint64_t now = uv_now(&d->loop);

    if (f == NULL) {
        f = xcalloc(1, sizeof *f);
        f->d = d;
        f->in = in;
        f->path = xstrdup(path);
        ftab_insert(d, f);
        queue_append(d, f);
        file_restart(d, f, sb);
        logx(L_DEBUG, "file.seen", path, (struct lf[]){ LD("settle_seconds", in->settle), LEND },
             "%s: new file; importing it once it has not changed for %g s", path, in->settle);
    } else if (f->state == F_SETTLING || f->state == F_KEPT) {
        if ((long long)sb->st_size != f->size || mtime_ns(sb) != f->mtime_ns) {
            if (f->state == F_KEPT)
                logx(L_DEBUG, "file.seen", path, NULL, "%s: changed; importing it again once "
                     "it has not changed for %g s", path, in->settle);
            file_restart(d, f, sb);
        }
    }
    f->in = in;
    f->scan_mark = d->scan_gen;
    if (f->state == F_SETTLING && now - f->stable_since >= settle_ms(f))
        f->state = F_READY;
}

/* ---------------------------------------------------------------- moving files */

/* Copies src to a new file dst (never replacing one): for folders on another file system. */
static int copy_new(const char *src, const char *dst)
{
    char buf[65536];
    int in = open(src, O_RDONLY | O_CLOEXEC), out, e = 0;
    ssize_t n;

    if (in < 0)
        return -1;
    out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (out < 0) {
        e = errno;
        close(in);
        return errno = e, -1;
    }
    while ((n = read(in, buf, sizeof buf)) > 0) {
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                e = w < 0 ? errno : EIO;
                n = -1;
                break;
            }
            off += w;
        }
        if (n < 0)
            break;
    }
    if (n < 0 && e == 0)
        e = errno;
    if (e == 0 && fsync(out) != 0)
        e = errno;
    close(in);
    if (close(out) != 0 && e == 0)
        e = errno;
    if (e) {
        unlink(dst);
        return errno = e, -1;
    }
    return 0;
}

/*
 * Moves path into dir (made when missing) without ever replacing a file
 * there: NAME, else NAME.1.EXT, NAME.2.EXT, ... Returns the new path, or
 * NULL with errno set.
 */
static char *move_into(const char *path, const char *dir)
{
    const char *base = cc_basename(path);
    const char *dot = strrchr(base, '.');
    size_t stem = dot && dot != base ? (size_t)(dot - base) : strlen(base);

    if (mkdir_p(dir) != 0)
        return NULL;
    for (int i = 0; i < 100000; i++) {
        struct sbuf dst;
        sbuf_init(&dst);
        if (i == 0)
            sbuf_printf(&dst, "%s/%s", dir, base);
        else
            sbuf_printf(&dst, "%s/%.*s.%d%s", dir, (int)stem, base, i, base + stem);
        int rc = renameat2(AT_FDCWD, path, AT_FDCWD, dst.s, RENAME_NOREPLACE);
        if (rc != 0 && (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP)) {
            /* A file system without RENAME_NOREPLACE: look first. */
            struct stat sb;
            if (lstat(dst.s, &sb) == 0)
                errno = EEXIST;
            else
                rc = rename(path, dst.s);
        }
        if (rc != 0 && errno == EXDEV) {
            rc = copy_new(path, dst.s);
            if (rc == 0 && unlink(path) != 0) {
                int e = errno;
                unlink(dst.s);
                sbuf_free(&dst);
                return errno = e, NULL;
            }
        }
        if (rc == 0)
            return dst.s;
        int e = errno;
        sbuf_free(&dst);
        if (e != EEXIST)
            return errno = e, NULL;
    }
    return errno = EEXIST, NULL;
}

/* Writes NAME.error.txt: the whole message first, then what was done. */
static void write_error_file(const char *at, const char *original, const struct file *f,
                             const char *msg)
{
    char *p = xcalloc(1, strlen(at) + 16);
    char now[32];
    FILE *out;

    sprintf(p, "%s.error.txt", at);
    out = fopen(p, "w");
    if (out == NULL) {
        logx(L_ERROR, "file.error_file", original, NULL, "%s: cannot write %s: %s", original, p,
             strerror(errno));
        free(p);
        return;
    }
    iso_now_ms(now);
    fprintf(out, "%s\n\n", msg);
    fprintf(out, "file:     %s\n", original);
    if (strcmp(at, original) != 0)
        fprintf(out, "moved to: %s\n", at);
    fprintf(out, "when:     %s\n", now);
    if (f->ip) {
        fprintf(out, "sha256:   %s\n", import_parsed_sha256(f->ip));
        fprintf(out, "plugin:   %s\n", import_parsed_plugin(f->ip));
    }
    fprintf(out, "\nThe file was not imported: the database is unchanged by it. Correct the file "
                 "(or its plugin) and put it in the inbox again.\n");
    if (fclose(out) != 0)
        logx(L_ERROR, "file.error_file", original, NULL, "%s: cannot write %s: %s", original, p,
             strerror(errno));
    free(p);
}

/* ---------------------------------------------------------------- finishing a file */

static bool retryable(int rc)
{
    return rc == CC_EBUSY || rc == CC_EIO;
}

/* Done with a file that went in (or was there already). */
static void file_done(struct daemon *d, struct file *f, bool unchanged)
{
    struct stat sb;
    const struct import_result *r = &f->w->res;
    const char *plugin = r->plugin ? r->plugin->name : f->ip ? import_parsed_plugin(f->ip) : "?";
    const char *event = unchanged ? "file.unchanged" : "file.imported";
    struct sbuf what;
    struct lf fields[16];
    size_t nf = 0;

    /* The words of `concord import`, plus the times of the two phases. */
    sbuf_init(&what);
    if (unchanged) {
        sbuf_printf(&what, "unchanged %s (%s; already imported as source %lld)", f->path, plugin,
                    (long long)r->source_id);
    } else {
        sbuf_printf(&what, "imported %s with %s %s: %ld rows, %ld records", f->path, plugin,
                    r->plugin->version, r->rows_read, r->records);
        if (r->records_derived)
            sbuf_printf(&what, " and %ld aggregates of case answers", r->records_derived);
        sbuf_printf(&what, " (%ld new, %ld updated, %ld unchanged", r->records_new,
                    r->records_updated, r->records_unchanged);
        if (r->records_retired)
            sbuf_printf(&what, ", %ld retired", r->records_retired);
        sbuf_addc(&what, ')');
        if (r->rows_skipped)
            sbuf_printf(&what, ", %ld row%s skipped", r->rows_skipped,
                        r->rows_skipped == 1 ? "" : "s");
        if (r->records_unmapped)
            sbuf_printf(&what, ", %ld unmapped code%s", r->records_unmapped,
                        r->records_unmapped == 1 ? "" : "s");
        if (r->version > 1)
            sbuf_printf(&what, ", version %d of its source", r->version);
        sbuf_printf(&what, "; parsed in %.2f s, stored in %.2f s",
                    f->ip ? import_parsed_seconds(f->ip) : 0.0, f->store_seconds);
    }
    fields[nf++] = LS("plugin", plugin);
    fields[nf++] = LS("sha256", f->ip ? import_parsed_sha256(f->ip) : NULL);
    fields[nf++] = LI("source", r->source_id);
    if (!unchanged) {
        fields[nf++] = LI("version", r->version);
        fields[nf++] = LI("rows", r->rows_read);
        fields[nf++] = LI("records", r->records);
        fields[nf++] = LI("aggregates", r->records_derived);
        fields[nf++] = LI("new", r->records_new);
        fields[nf++] = LI("updated", r->records_updated);
        fields[nf++] = LI("retired", r->records_retired);
        fields[nf++] = LD("parse_seconds", f->ip ? import_parsed_seconds(f->ip) : 0.0);
        fields[nf++] = LD("store_seconds", f->store_seconds);
    }
    fields[nf] = LEND;
    d->counts[unchanged ? 1 : 0]++;

    /* Content changed while it was being imported: what went in is what was
     * read; the new content is imported in its turn. */
    if (stat(f->path, &sb) == 0 &&
        ((long long)sb.st_size != f->size || mtime_ns(&sb) != f->mtime_ns)) {
        logx(L_INFO, event, f->path, fields, "%s", what.s);
        logx(L_WARN, "file.changed", f->path, NULL,
             "%s changed while it was imported: left in the inbox; it is imported again once "
             "it has not changed for %g s", f->path, f->in->settle);
        file_restart(d, f, &sb);
    } else if (f->in->processed == NULL) {
        logx(L_INFO, event, f->path, fields, "%s; left in the inbox (processed = \".\")",
             what.s);
        file_keep(f);
    } else {
        char *to = move_into(f->path, f->in->processed);
        int e = errno;
        if (to == NULL && e == ENOENT && access(f->path, F_OK) != 0) {
            logx(L_INFO, event, f->path, fields, "%s; the file was gone already", what.s);
            file_drop(d, f);
        } else if (to == NULL) {
            logx(L_INFO, event, f->path, fields, "%s", what.s);
            logx(L_ERROR, "file.kept", f->path, NULL,
                 "%s: cannot move it into %s: %s; left in the inbox (it is not imported again "
                 "unless it changes)", f->path, f->in->processed, strerror(e));
            file_keep(f);
        } else {
            fields[nf++] = LS("moved_to", to);
            fields[nf] = LEND;
            logx(L_INFO, event, f->path, fields, "%s; moved to %s", what.s, to);
            free(to);
            file_drop(d, f);
        }
    }
    sbuf_free(&what);
}

/* A file that did not go in: retried later when the database was the
 * trouble, else moved to failed/ with its reason. */
static void file_failed(struct daemon *d, struct file *f, int rc, const char *msg)
{
    if (retryable(rc) && !d->stopping) {
        double delay = 5;
        for (int i = 0; i < f->retries && delay < RETRY_MAX_SECONDS; i++)
            delay *= 2;
        if (delay > RETRY_MAX_SECONDS)
            delay = RETRY_MAX_SECONDS;
        f->retries++;
        f->retry_at = uv_now(&d->loop) + (uint64_t)(delay * 1000);
        f->state = f->ip && f->state >= F_PARSED ? F_PARSED : F_READY;
        if (f->state == F_READY) {
            import_parsed_free(f->ip);
            f->ip = NULL;
        }
        logx(L_WARN, "file.retry", f->path,
             (struct lf[]){ LI("status", rc), LD("retry_seconds", delay), LEND },
             "%s: not imported yet: %s; trying again in %g s", f->path, msg, delay);
        return;
    }
    if (retryable(rc)) {
        /* Shutting down: it stays for the next start. */
        logx(L_WARN, "file.retry", f->path, (struct lf[]){ LI("status", rc), LEND },
             "%s: not imported: %s; left in the inbox for the next start", f->path, msg);
        f->state = F_READY;
        return;
    }
    d->counts[2]++;
    if (f->in->failed == NULL) {
        write_error_file(f->path, f->path, f, msg);
        logx(L_ERROR, "file.failed", f->path, (struct lf[]){ LI("status", rc), LEND },
             "%s was not imported: %s; left in the inbox (failed = \".\"), the reason in "
             "%s.error.txt", f->path, msg, f->path);
        file_keep(f);
        return;
    }
    char *to = move_into(f->path, f->in->failed);
    int e = errno;
    if (to == NULL && e == ENOENT && access(f->path, F_OK) != 0) {
        logx(L_ERROR, "file.failed", f->path, (struct lf[]){ LI("status", rc), LEND },
             "%s was not imported: %s; the file was gone already", f->path, msg);
        file_drop(d, f);
        return;
    }
    if (to == NULL) {
        logx(L_ERROR, "file.failed", f->path, (struct lf[]){ LI("status", rc), LEND },
             "%s was not imported: %s", f->path, msg);
        logx(L_ERROR, "file.kept", f->path, NULL,
             "%s: cannot move it into %s: %s; left in the inbox (it is not tried again unless "
             "it changes)", f->path, f->in->failed, strerror(e));
        file_keep(f);
        return;
    }
    write_error_file(to, f->path, f, msg);
    logx(L_ERROR, "file.failed", f->path,
         (struct lf[]){ LI("status", rc), LS("moved_to", to), LEND },
         "%s was not imported: %s; moved to %s (the reason is in %s.error.txt)", f->path, msg,
         to, to);
    free(to);
    file_drop(d, f);
}

/* ---------------------------------------------------------------- worker registries */

static struct plugin_registry *pool_take(struct daemon *d, struct cc_error *err)
{
    struct plugin_registry *reg = NULL;

    uv_mutex_lock(&d->pool_mu);
    if (d->npool)
        reg = d->pool[--d->npool];
    uv_mutex_unlock(&d->pool_mu);
    if (reg == NULL &&
        plugin_registry_load(&reg, (const char *const *)d->dirs, d->ndirs, NULL, err) != CC_OK)
        return NULL;
    return reg;
}

static void pool_give(struct daemon *d, struct plugin_registry *reg)
{
    uv_mutex_lock(&d->pool_mu);
    if (d->npool < sizeof d->pool / sizeof d->pool[0]) {
        d->pool[d->npool++] = reg;
        reg = NULL;
    }
    uv_mutex_unlock(&d->pool_mu);
    plugin_registry_free(reg);
}

/* Only when no worker runs. */
static void pool_drain(struct daemon *d)
{
    for (size_t i = 0; i < d->npool; i++)
        plugin_registry_free(d->pool[i]);
    d->npool = 0;
}

/* ---------------------------------------------------------------- identify and parse */

static void identify_work(uv_work_t *w)
{
    struct file *f = w->data;
    struct plugin_registry *reg = pool_take(f->d, &f->w->err);

    if (reg == NULL) {
        f->reg_failed = true;
        f->w->rc = f->w->err.status;
        return;
    }
    f->w->rc = import_identify(reg, f->path, f->in->plugin, &f->ip, &f->w->err);
    pool_give(f->d, reg);
}

static void identify_done(uv_work_t *w, int status)
{
    struct file *f = w->data;
    struct daemon *d = f->d;
    int64_t id;

    d->workers--;
    if (status == UV_ECANCELED || d->stopping) {
        f->state = F_READY;
        import_parsed_free(f->ip);
        f->ip = NULL;
    } else if (f->reg_failed) {
        f->reg_failed = false;
        f->state = F_IDENTIFYING;
        file_failed(d, f, CC_EIO, f->w->err.msg);
    } else if (f->w->rc == CC_OK) {
        if (import_known(d->rd, import_parsed_plugin(f->ip), import_parsed_sha256(f->ip), &id)) {
            f->w->res.source_id = id;
            file_done(d, f, true);
        } else {
            f->state = F_TO_PARSE;
        }
    } else if (f->w->rc == CC_ENOINPUT && access(f->path, F_OK) != 0 && errno == ENOENT) {
        logx(L_DEBUG, "file.vanished", f->path, NULL, "%s: gone before it was imported", f->path);
        file_drop(d, f);
    } else {
        f->state = F_IDENTIFYING;
        file_failed(d, f, f->w->rc, f->w->err.msg);
    }
    pump(d);
}

static void parse_work(uv_work_t *w)
{
    struct file *f = w->data;
    struct plugin_registry *reg = pool_take(f->d, &f->w->err);

    if (reg == NULL) {
        f->reg_failed = true;
        f->w->rc = f->w->err.status;
        return;
    }
    /* Pseudonyms on this worker too, not on the one writer. d->priv stays put
     * while any worker runs (setup_apply waits for none). */
    import_parsed_pseudonymise(f->ip, f->d->priv);
    f->w->rc = import_parse(f->ip, reg, &f->d->cancel, &f->w->err);
    pool_give(f->d, reg);
}

static void parse_done(uv_work_t *w, int status)
{
    struct file *f = w->data;
    struct daemon *d = f->d;

    d->workers--;
    if (status == UV_ECANCELED || d->stopping) {
        f->state = F_READY;
        import_parsed_free(f->ip);
        f->ip = NULL;
    } else if (f->reg_failed) {
        f->reg_failed = false;
        import_parsed_free(f->ip);
        f->ip = NULL;
        f->state = F_IDENTIFYING;
        file_failed(d, f, CC_EIO, f->w->err.msg);
    } else {
        /* A failed parse goes to the writer too: its records may hold an
         * earlier error, and the first error is the one reported. */
        f->state = F_PARSED;
        f->retry_at = 0;
        logx(L_DEBUG, "file.parsed", f->path,
             (struct lf[]){ LS("plugin", import_parsed_plugin(f->ip)),
                            LI("records", import_parsed_records(f->ip)),
                            LI("memory", import_parsed_memory(f->ip)),
                            LD("parse_seconds", import_parsed_seconds(f->ip)), LEND },
             "%s: parsed with %s: %zu records (%.1f MiB) in %.2f s%s", f->path,
             import_parsed_plugin(f->ip), import_parsed_records(f->ip),
             import_parsed_memory(f->ip) / 1048576.0, import_parsed_seconds(f->ip),
             f->w->rc ? " (the plugin failed)" : "");
    }
    pump(d);
}

/* ---------------------------------------------------------------- the writer */

static void write_reports(struct daemon *d, struct wtask *t);

static void writer_work(uv_work_t *w)
{
    struct wtask *t = w->data;
    struct daemon *d = t->d;
    double t0 = cc_monotonic();

    switch (t->kind) {
    case W_STORE: {
        struct import_env env = { d->reg, d->norm, d->priv };
        struct import_options o = { NULL, WRITE_WAIT_SECONDS, false, d->accept_fuzzy };
        t->rc = import_store(d->st, &env, t->f->ip, &o, &t->f->w->res, &t->err);
        break;
    }
    case W_RECONCILE:
        t->rc = cli_reconcile(d->g, d->st, "schedule", NULL, 0, WRITE_WAIT_SECONDS, &t->rres,
                              &t->err);
        break;
    case W_REPORT:
        write_reports(d, t);
        break;
    case W_IDLE:
        /* Nothing else to do: checkpoint the WAL, and give SQLite's cache and
         * the memory of past imports back to the system. */
        sqlite3_wal_checkpoint_v2(d->st->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        sqlite3_db_release_memory(d->st->db);
        malloc_trim(0);
        break;
    }
    t->seconds = cc_monotonic() - t0;
    /* Stored, or never to be: the records go now, on this thread, not on the loop. */
    if (t->kind == W_STORE && !retryable(t->rc))
        import_parsed_drop_records(t->f->ip);
}

static void run_job_done(struct run *r, bool ok);

static void writer_done(uv_work_t *w, int status)
{
    struct wtask *t = w->data;
    struct daemon *d = t->d;

    d->writer_busy = false;
    d->wcur = NULL;
    d->writer_used = t->kind != W_IDLE;
    if (t->kind == W_IDLE) {
        /* done */
    } else if (t->kind == W_STORE) {
        struct file *f = t->f;
        f->store_seconds = t->seconds;
        if (status == UV_ECANCELED) {
            f->state = F_PARSED;
        } else if (t->rc == CC_OK) {
            file_done(d, f, f->w->res.outcome == IMPORT_UNCHANGED);
        } else {
            file_failed(d, f, t->rc, t->err.msg);
        }
    } else {
        struct run *r = t->run;
        const char *job = t->kind == W_RECONCILE ? "reconcile" : "report";
        if (status == UV_ECANCELED) {
            t->rc = CC_EBUSY;
            cc_fail(&t->err, CC_EBUSY, "not run: shutting down");
        }
        if (t->rc == CC_OK && t->kind == W_RECONCILE) {
            const struct reconcile_result *x = &t->rres;
            logx(L_INFO, "job.reconcile", NULL,
                 (struct lf[]){ LS("schedule", r->name), LI("run", x->run_id),
                                LI("flags", x->found), LI("new", x->new_flags),
                                LI("open", x->open_flags), LI("resolved", x->resolved_flags),
                                LD("seconds", x->seconds), LEND },
                 "schedule %s: reconcile: run %lld: %ld flags (%ld new, %ld still open, %ld "
                 "resolved) in %.2f s", r->name, (long long)x->run_id, x->found, x->new_flags,
                 x->open_flags, x->resolved_flags, x->seconds);
        } else if (t->rc == CC_OK) {
            logx(L_INFO, "job.report", NULL,
                 (struct lf[]){ LS("schedule", r->name), LD("seconds", t->seconds), LEND },
                 "schedule %s: report: %s", r->name, t->summary);
        } else {
            logx(L_ERROR, "job.failed", NULL,
                 (struct lf[]){ LS("schedule", r->name), LS("job", job), LI("status", t->rc),
                                LEND },
                 "schedule %s: %s failed: %s", r->name, job, t->err.msg);
        }
        run_job_done(r, t->rc == CC_OK);
    }
    free(t);
    pump(d);
}

static void writer_start(struct daemon *d, struct wtask *t)
{
    d->writer_busy = true;
    d->wcur = t;
    t->work.data = t;
    if (t->f) {
        t->f->state = F_STORING;
        if (t->f->w == NULL)
            t->f->w = xcalloc(1, sizeof *t->f->w);
    }
    uv_queue_work(&d->loop, &t->work, writer_work, writer_done);
}

static void writer_enqueue_job(struct daemon *d, enum wkind kind, struct run *r)
{
    struct wtask *t = xcalloc(1, sizeof *t);

    t->d = d;
    t->kind = kind;
    t->run = r;
    if (d->wq_tail)
        d->wq_tail->next = t;
    else
        d->wq_head = t;
    d->wq_tail = t;
}

/* ---------------------------------------------------------------- reports */

struct aged {
    char *name;
    long long mtime;
};

static int cmp_aged(const void *pa, const void *pb)
{
    const struct aged *a = pa, *b = pb;

    if (a->mtime != b->mtime)
        return a->mtime < b->mtime ? -1 : 1;
    return strcmp(a->name, b->name);
}

/* Keeps the newest keep reports of one format (by time written). */
static void prune_reports(const char *folder, const char *ext, long keep)
{
    DIR *dir;
    struct dirent *de;
    struct aged *files = NULL;
    size_t n = 0, cap = 0;

    if (keep <= 0 || (dir = opendir(folder)) == NULL)
        return;
    while ((de = readdir(dir)) != NULL) {
        struct stat sb;
        if (strncmp(de->d_name, "report-", 7) != 0 || !ends_with_ci(de->d_name, ext))
            continue;
        char *p = path_join(folder, de->d_name);
        int ok = stat(p, &sb) == 0;
        free(p);
        if (!ok)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            files = xrealloc(files, cap * sizeof *files);
        }
        files[n].name = xstrdup(de->d_name);
        files[n++].mtime = mtime_ns(&sb);
    }
    closedir(dir);
    if (n)
        qsort(files, n, sizeof *files, cmp_aged);
    for (size_t i = 0; i < n; i++) {
        if (i + (size_t)keep < n) {
            char *p = path_join(folder, files[i].name);
            unlink(p);
            free(p);
        }
        free(files[i].name);
    }
    free(files);
}

/* The report job: gathered once, written in each configured format, the
 * oldest beyond reports.keep removed. Runs on the writer thread. */
static void write_reports(struct daemon *d, struct wtask *t)
{
    const struct config *cfg = d->g->config;
    char *folder = config_resolve(cfg, config_string(cfg, "reports.folder", "reports"));
    const char *formats[8];
    size_t nf = config_strings(cfg, "reports.formats", formats, 8);
    long keep = (long)config_number(cfg, "reports.keep", 10);
    struct report_options ro = { NULL, NULL, NULL, cfg, d->norm };
    struct report *r = NULL;
    struct sbuf sum;
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;

    sbuf_init(&sum);
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    if (mkdir_p(folder) != 0) {
        t->rc = cc_fail(&t->err, CC_EIO, "reports: cannot make the folder %s: %s", folder,
                        strerror(errno));
        goto out;
    }
    t->rc = report_gather(d->st, &ro, &r, &t->err);
    for (size_t i = 0; i < nf && i < 8 && t->rc == CC_OK; i++) {
        char path[PATH_MAX], tmp[PATH_MAX];
        struct stat sb;
        for (int k = 1; k < 1000; k++) {
            if (k == 1)
                snprintf(path, sizeof path, "%s/report-%s.%s", folder, stamp, formats[i]);
            else
                snprintf(path, sizeof path, "%s/report-%s-%d.%s", folder, stamp, k, formats[i]);
            if (stat(path, &sb) != 0)
                break;
        }
        snprintf(tmp, sizeof tmp, "%s/.report-%s.%s.tmp", folder, stamp, formats[i]);
        FILE *out = fopen(tmp, "wb");
        if (out == NULL) {
            t->rc = cc_fail(&t->err, CC_EIO, "reports: cannot write %s: %s", tmp,
                            strerror(errno));
            break;
        }
        if (strcmp(formats[i], "html") == 0)
            t->rc = report_html(r, out, &t->err);
        else if (strcmp(formats[i], "json") == 0)
            t->rc = report_json(r, out, &t->err);
        else
            t->rc = cc_fail(&t->err, CC_EUSAGE, "reports: no format '%s'", formats[i]);
        if (fflush(out) != 0 || fsync(fileno(out)) != 0) {
            if (t->rc == CC_OK)
                t->rc = cc_fail(&t->err, CC_EIO, "reports: cannot write %s: %s", tmp,
                                strerror(errno));
        }
        if (fclose(out) != 0 && t->rc == CC_OK)
            t->rc = cc_fail(&t->err, CC_EIO, "reports: cannot write %s: %s", tmp,
                            strerror(errno));
        if (t->rc == CC_OK && rename(tmp, path) != 0)
            t->rc = cc_fail(&t->err, CC_EIO, "reports: cannot write %s: %s", path,
                            strerror(errno));
        if (t->rc != CC_OK) {
            unlink(tmp);
            break;
        }
        sbuf_printf(&sum, "%s%s", sum.len ? ", " : "wrote ", path);
        char ext[16];
        snprintf(ext, sizeof ext, ".%s", formats[i]);
        prune_reports(folder, ext, keep);
    }
    if (t->rc == CC_OK)
        snprintf(t->summary, sizeof t->summary, "%s (keeping the newest %ld of each format)",
                 sum.len ? sum.s : "no formats configured", keep);
out:
    report_free(r);
    sbuf_free(&sum);
    free(folder);
}

/* ---------------------------------------------------------------- schedules and their runs */

static void run_next_job(struct run *r);

static void run_free(struct run *r)
{
    for (size_t i = 0; i < r->njobs; i++)
        free(r->jobs[i]);
    free(r->jobs);
    free(r->name);
    free(r);
}

static void run_finish(struct run *r)
{
    struct daemon *d = r->d;

    for (struct run **p = &d->runs; *p; p = &(*p)->next) {
        if (*p == r) {
            *p = r->next;
            break;
        }
    }
    if (r->sched)
        r->sched->run = NULL;
    if (r->failed)
        logx(L_ERROR, "schedule.failed", NULL,
             (struct lf[]){ LS("schedule", r->name), LD("seconds", cc_monotonic() - r->started),
                            LEND },
             "schedule %s: stopped after a failed job (%.2f s)", r->name,
             cc_monotonic() - r->started);
    else
        logx(L_INFO, "schedule.done", NULL,
             (struct lf[]){ LS("schedule", r->name), LD("seconds", cc_monotonic() - r->started),
                            LEND },
             "schedule %s: done in %.2f s", r->name, cc_monotonic() - r->started);
    run_free(r);
}

static void run_job_done(struct run *r, bool ok)
{
    r->job++;
    if (!ok) {
        r->failed = true;
        if (r->job < r->njobs)
            logx(L_WARN, "schedule.abandoned", NULL, (struct lf[]){ LS("schedule", r->name), LEND },
                 "schedule %s: the jobs after the failed one are not run this time", r->name);
        r->job = r->njobs;
    }
    run_next_job(r);
}

static void scan_all(struct daemon *d)
{
    for (struct inbox *in = d->inboxes; in; in = in->next)
        scan_inbox(d, in);
}

static void run_next_job(struct run *r)
{
    struct daemon *d = r->d;

    if (r->job >= r->njobs || d->stopping) {
        run_finish(r);
        return;
    }
    const char *job = r->jobs[r->job];
    if (strcmp(job, "import") == 0) {
        /* Everything in the inboxes now, once complete, then the next job. */
        scan_all(d);
        r->import_seq = d->seq;
        r->waiting_import = true;
        memcpy(r->counts_at_start, d->counts, sizeof d->counts);
    } else if (strcmp(job, "reconcile") == 0) {
        writer_enqueue_job(d, W_RECONCILE, r);
    } else if (strcmp(job, "report") == 0) {
        writer_enqueue_job(d, W_REPORT, r);
    } else {
        logx(L_ERROR, "job.failed", NULL, (struct lf[]){ LS("schedule", r->name), LEND },
             "schedule %s: no job '%s'", r->name, job);
        run_job_done(r, false);
    }
}

/* True while a file queued up to seq is still on its way. */
static bool files_pending(const struct daemon *d, uint64_t seq)
{
    for (const struct file *f = d->qhead; f && f->seq <= seq; f = f->next) {
        if (f->state != F_KEPT)
            return true;
    }
    return false;
}

static void schedule_arm(struct schedule *s);

static void on_schedule(uv_timer_t *timer)
{
    struct schedule *s = timer->data;
    struct daemon *d = s->d;
    char due[TZ_FORMAT_SIZE];

    if (d->stopping)
        return;
    if (sched_now(d) < (double)s->due) {
        /* Woken early to look at the clock again: not due yet. */
        uv_timer_start(&s->timer, on_schedule, sched_delay_ms(d, s->due), 0);
        return;
    }
    format_time(d, s->due, due, sizeof due);
    if (s->run) {
        logx(L_WARN, "schedule.skipped", NULL,
             (struct lf[]){ LS("schedule", s->name), LS("due", due), LEND },
             "schedule %s: the run due at %s is skipped: the previous run is still going",
             s->name, due);
    } else {
        struct run *r = xcalloc(1, sizeof *r);
        struct sbuf jobs;
        r->d = d;
        r->sched = s;
        r->name = xstrdup(s->name);
        r->jobs = xcalloc(s->njobs, sizeof *r->jobs);
        sbuf_init(&jobs);
        for (size_t i = 0; i < s->njobs; i++) {
            r->jobs[i] = xstrdup(s->jobs[i]);
            sbuf_printf(&jobs, "%s%s", i ? ", " : "", s->jobs[i]);
        }
        r->njobs = s->njobs;
        r->started = cc_monotonic();
        r->next = d->runs;
        d->runs = r;
        s->run = r;
        logx(L_INFO, "schedule.start", NULL,
             (struct lf[]){ LS("schedule", s->name), LS("due", due), LS("jobs", jobs.s), LEND },
             "schedule %s: running %s (due %s)", s->name, jobs.s, due);
        sbuf_free(&jobs);
        run_next_job(r);
    }
    schedule_arm(s);
    pump(d);
}

static void schedule_arm(struct schedule *s)
{
    struct daemon *d = s->d;
    double now = sched_now(d);
    time_t after = (time_t)floor(now);
    char why[256], when[TZ_FORMAT_SIZE];

    if (s->due > after)
        after = s->due;
    if (cron_next_tz(&s->cron, d->tz, after, &s->due, why, sizeof why) != 0) {
        logx(L_ERROR, "schedule.error", NULL, (struct lf[]){ LS("schedule", s->name), LEND },
             "schedule %s: no next time: %s; it will not run", s->name, why);
        return;
    }
    format_time(d, s->due, when, sizeof when);
    logx(L_DEBUG, "schedule.armed", NULL,
         (struct lf[]){ LS("schedule", s->name), LS("due", when), LEND },
         "schedule %s: next run %s", s->name, when);
    uv_timer_start(&s->timer, on_schedule, sched_delay_ms(d, s->due), 0);
}

static void schedule_free(struct schedule *s)
{
    for (size_t i = 0; i < s->njobs; i++)
        free(s->jobs[i]);
    free(s->jobs);
    free(s->name);
    free(s->expr);
    free(s);
}

static void schedule_closed(uv_handle_t *h)
{
    schedule_free(h->data);
}

/* The configuration's schedules, checked (not started). */
static int schedules_build(const struct config *cfg, struct schedule **out, struct cc_error *err)
{
    size_t n = config_count(cfg, "schedules");
    struct schedule *head = NULL, **tail = &head;
    int rc = CC_OK;

    for (size_t i = 1; i <= n && rc == CC_OK; i++) {
        char key[64], why[256];
        const char *jobs[8];
        struct schedule *s = xcalloc(1, sizeof *s);
        snprintf(key, sizeof key, "schedules.%zu.name", i);
        s->name = xstrdup(config_string(cfg, key, "?"));
        snprintf(key, sizeof key, "schedules.%zu.cron", i);
        s->expr = xstrdup(config_string(cfg, key, ""));
        snprintf(key, sizeof key, "schedules.%zu.jobs", i);
        size_t nj = config_strings(cfg, key, jobs, 8);
        s->njobs = nj < 8 ? nj : 8;
        s->jobs = xcalloc(s->njobs + 1, sizeof *s->jobs);
        for (size_t k = 0; k < s->njobs; k++)
            s->jobs[k] = xstrdup(jobs[k]);
        *tail = s;
        tail = &s->next;
        if (cron_parse(s->expr, &s->cron, why, sizeof why) != 0)
            rc = cc_fail(err, CC_EDATA, "schedules[%zu].cron: \"%s\": %s", i, s->expr, why);
    }
    if (rc) {
        for (struct schedule *s = head, *nx; s; s = nx) {
            nx = s->next;
            schedule_free(s);
        }
        head = NULL;
    }
    *out = head;
    return rc;
}

static void schedules_start(struct daemon *d, struct schedule *list)
{
    for (struct schedule *s = list; s; s = s->next) {
        s->d = d;
        uv_timer_init(&d->loop, &s->timer);
        s->timer.data = s;
        /* A run still going from before a reload keeps its place. */
        for (struct run *r = d->runs; r; r = r->next) {
            if (r->sched == NULL && strcmp(r->name, s->name) == 0) {
                r->sched = s;
                s->run = r;
            }
        }
        schedule_arm(s);
    }
}

static void schedules_stop(struct daemon *d, struct schedule *list)
{
    for (struct schedule *s = list, *nx; s; s = nx) {
        nx = s->next;
        if (s->run)
            s->run->sched = NULL;
        uv_timer_stop(&s->timer);
        uv_close((uv_handle_t *)&s->timer, schedule_closed);
    }
    (void)d;
}

/* ---------------------------------------------------------------- inboxes */

static void on_kick(uv_timer_t *t);

static void kick(struct daemon *d)
{
    if (!d->stopping && !uv_is_active((uv_handle_t *)&d->kick_timer))
        uv_timer_start(&d->kick_timer, on_kick, KICK_MS, 0);
}

static void on_fs_event(uv_fs_event_t *h, const char *name, int events, int status)
{
    struct inbox *in = h->data;
    struct daemon *d = in->d;

    if (d->stopping)
        return;
    if (status < 0) {
        logx(L_WARN, "inbox.unwatched", in->path, NULL,
             "%s: watching failed (%s): the folder is scanned every %g s instead", in->path,
             uv_strerror(status), d->scan_interval);
        uv_fs_event_stop(h);
        in->watching = false;
        return;
    }
    if (name && (events & UV_RENAME) == 0 && !ignored_name(name)) {
        /* Writes to a file already seen: it has not settled yet. */
        char *p = path_join(in->path, name);
        struct file *f = file_find(d, p);
        free(p);
        if (f && f->state == F_SETTLING) {
            f->stable_since = uv_now(&d->loop);
            return;
        }
    }
    in->dirty = true;
    kick(d);
}

static void inbox_watch(struct daemon *d, struct inbox *in)
{
    int rc;

    if (!in->ev_init) {
        uv_fs_event_init(&d->loop, &in->ev);
        in->ev.data = in;
        in->ev_init = true;
    }
    uv_fs_event_stop(&in->ev); /* a folder made again is watched afresh */
    rc = uv_fs_event_start(&in->ev, on_fs_event, in->path, 0);
    in->watching = rc == 0;
    if (rc)
        logx(L_WARN, "inbox.unwatched", in->path, NULL,
             "%s: cannot watch the folder (%s): it is scanned every %g s instead", in->path,
             uv_strerror(rc), d->scan_interval);
}

static void scan_inbox(struct daemon *d, struct inbox *in)
{
    DIR *dir = opendir(in->path);
    struct dirent *de;

    in->dirty = false;
    if (dir == NULL) {
        if (!in->unavailable)
            logx(L_WARN, "inbox.unavailable", in->path, NULL,
                 "%s: cannot read the inbox (%s); trying again at the next scan", in->path,
                 strerror(errno));
        in->unavailable = true;
        return;
    }
    if (in->unavailable) {
        logx(L_INFO, "inbox.available", in->path, NULL, "%s: readable again", in->path);
        in->unavailable = false;
        if (!d->stopping)
            inbox_watch(d, in);
    }
    d->scan_gen++;
    while ((de = readdir(dir)) != NULL) {
        struct stat sb;
        if (ignored_name(de->d_name))
            continue;
        char *p = path_join(in->path, de->d_name);
        if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode))
            file_observe(d, in, p, &sb);
        free(p);
    }
    closedir(dir);
    /* Files that went away before they were taken are forgotten. */
    for (struct file *f = d->qhead, *nx; f; f = nx) {
        nx = f->next;
        if (f->in == in && (f->state == F_SETTLING || f->state == F_KEPT) &&
            f->scan_mark != d->scan_gen) {
            logx(L_DEBUG, "file.vanished", f->path, NULL, "%s: gone", f->path);
            file_drop(d, f);
        }
    }
}

static void inbox_free(struct inbox *in)
{
    free(in->path);
    free(in->plugin);
    free(in->processed);
    free(in->failed);
    free(in);
}

static void inbox_closed(uv_handle_t *h)
{
    inbox_free(h->data);
}

static void inboxes_close(struct inbox *list)
{
    for (struct inbox *in = list, *nx; in; in = nx) {
        nx = in->next;
        if (in->ev_init) {
            uv_fs_event_stop(&in->ev);
            uv_close((uv_handle_t *)&in->ev, inbox_closed);
        } else {
            inbox_free(in);
        }
    }
}

/* processed = "." (or failed = "."): the file stays where it is. */
static char *inbox_folder(const char *inbox, const char *v)
{
    if (strcmp(v, ".") == 0)
        return NULL;
    if (v[0] == '/')
        return xstrdup(v);
    return path_join(inbox, v);
}

static int inboxes_build(struct daemon *d, const struct config *cfg,
                         const struct plugin_registry *reg, struct inbox **out,
                         struct cc_error *err)
{
    size_t n = config_count(cfg, "inboxes");
    struct inbox *head = NULL, **tail = &head;
    int rc = CC_OK;

    for (size_t i = 1; i <= n && rc == CC_OK; i++) {
        char key[64];
        struct inbox *in = xcalloc(1, sizeof *in);
        in->d = d;
        snprintf(key, sizeof key, "inboxes.%zu.path", i);
        in->path = config_resolve(cfg, config_string(cfg, key, "inbox"));
        snprintf(key, sizeof key, "inboxes.%zu.plugin", i);
        const char *plugin = config_string(cfg, key, NULL);
        in->plugin = plugin ? xstrdup(plugin) : NULL;
        snprintf(key, sizeof key, "inboxes.%zu.processed", i);
        in->processed = inbox_folder(in->path, config_string(cfg, key, "processed"));
        snprintf(key, sizeof key, "inboxes.%zu.failed", i);
        in->failed = inbox_folder(in->path, config_string(cfg, key, "failed"));
        snprintf(key, sizeof key, "inboxes.%zu.settle_seconds", i);
        in->settle = config_number(cfg, key, 2);
        *tail = in;
        tail = &in->next;
        if (in->plugin && plugin_find(reg, in->plugin) == NULL)
            rc = cc_fail(err, CC_EDATA, "inboxes[%zu].plugin: no plugin named '%s' (see "
                         "'concord plugins list')", i, in->plugin);
    }
    if (rc) {
        inboxes_close(head);
        head = NULL;
    }
    *out = head;
    return rc;
}

static void inboxes_start(struct daemon *d)
{
    for (struct inbox *in = d->inboxes; in; in = in->next) {
        struct stat sb;
        if (stat(in->path, &sb) != 0 && errno == ENOENT) {
            if (mkdir_p(in->path) == 0)
                logx(L_INFO, "inbox.created", in->path, NULL, "%s: made the inbox folder",
                     in->path);
        }
        inbox_watch(d, in);
        logx(L_INFO, "inbox.watch", in->path,
             (struct lf[]){ LS("plugin", in->plugin), LS("processed", in->processed),
                            LS("failed", in->failed), LD("settle_seconds", in->settle), LEND },
             "watching %s (plugin: %s; imported files to %s, failed ones to %s; settle %g s)",
             in->path, in->plugin ? in->plugin : "detected", in->processed ? in->processed : "stay",
             in->failed ? in->failed : "stay", in->settle);
    }
}

/* ---------------------------------------------------------------- configuration */

static void dirs_free(char **dirs, size_t n)
{
    for (size_t i = 1; i < n; i++)
        free(dirs[i]);
    free(dirs);
}

/* Plugin folders: the built-in one, the configuration's, then --plugin-dir. */
static char **dirs_build(const struct daemon *d, const struct config *cfg, size_t *n)
{
    const char *list[16];
    size_t nc = config_strings(cfg, "plugin_dirs", list, 16);
    char **dirs;

    if (nc > 16)
        nc = 16;
    dirs = xcalloc(1 + nc + d->opt->nplugin_dirs, sizeof *dirs);
    *n = 0;
    dirs[(*n)++] = (char *)cli_builtin_plugin_dir();
    for (size_t i = 0; i < nc; i++)
        dirs[(*n)++] = config_resolve(cfg, list[i]);
    for (size_t i = 0; i < d->opt->nplugin_dirs; i++)
        dirs[(*n)++] = xstrdup(d->opt->plugin_dirs[i]);
    return dirs;
}

static void logging_from_config(struct daemon *d, const struct config *cfg)
{
    lg.level = level_from_name(config_string(cfg, "log.level", "info"));
    if (cc_log_threshold == CC_LOG_DEBUG)
        lg.level = L_DEBUG; /* --verbose */
    if (!d->log_format_given)
        lg.json = strcmp(config_string(cfg, "log.format", "plain"), "json") == 0;
}

/* What the daemon builds from a configuration, before it is used. */
struct setup {
    char **dirs;
    size_t ndirs;
    struct plugin_registry *reg;
    struct normaliser *norm;
    struct privacy *priv;
    struct tz *tz;
    struct schedule *schedules;
    struct inbox *inboxes;
};

static void setup_free(struct setup *s)
{
    plugin_registry_free(s->reg);
    normaliser_free(s->norm);
    privacy_free(s->priv);
    tz_free(s->tz);
    for (struct schedule *x = s->schedules, *nx; x; x = nx) {
        nx = x->next;
        schedule_free(x);
    }
    inboxes_close(s->inboxes);
    if (s->dirs)
        dirs_free(s->dirs, s->ndirs);
    memset(s, 0, sizeof *s);
}

/* Everything that can fail is done here, so a configuration is taken whole or not at all. */
static int setup_build(struct daemon *d, const struct config *cfg, struct setup *s,
                       struct cc_error *err)
{
    const char *tzname = config_string(cfg, "time_zone", NULL);
    char why[256];
    int rc;

    memset(s, 0, sizeof *s);
    s->dirs = dirs_build(d, cfg, &s->ndirs);
    for (size_t i = 1; i < s->ndirs; i++) {
        if (!cli_is_dir(s->dirs[i]))
            return cc_fail(err, CC_ENOINPUT, "plugin folder %s: not a folder", s->dirs[i]);
    }
    rc = plugin_registry_load(&s->reg, (const char *const *)s->dirs, s->ndirs, NULL, err);
    if (rc == CC_OK)
        rc = normaliser_load(&s->norm, (const char *const *)s->dirs, s->ndirs, err);
    if (rc == CC_OK) {
        const char *key = config_string(cfg, "privacy.key_file", NULL);
        char *key_path = key ? config_resolve(cfg, key) : NULL;
        rc = privacy_open(&s->priv, d->g->db, key_path,
                          config_bool(cfg, "privacy.keep_raw_case_refs", false), true, err);
        free(key_path);
    }
    if (rc == CC_OK && tz_load(tzname, &s->tz, why, sizeof why) != 0)
        rc = cc_fail(err, CC_EDATA, "time_zone: %s", why);
    if (rc == CC_OK)
        rc = schedules_build(cfg, &s->schedules, err);
    if (rc == CC_OK)
        rc = inboxes_build(d, cfg, s->reg, &s->inboxes, err);
    return rc;
}

/* Puts a built setup in place (the old one goes): only when no worker and no writer runs. */
static void setup_apply(struct daemon *d, const struct config *cfg, struct setup *s)
{
    plugin_registry_free(d->reg);
    normaliser_free(d->norm);
    privacy_free(d->priv);
    tz_free(d->tz);
    if (d->dirs)
        dirs_free(d->dirs, d->ndirs);
    pool_drain(d);
    d->dirs = s->dirs;
    d->ndirs = s->ndirs;
    d->reg = s->reg;
    d->norm = s->norm;
    d->priv = s->priv;
    d->tz = s->tz;
    d->accept_fuzzy = config_number(cfg, "units.accept_fuzzy", 0);

    /* Inboxes: files waiting in one that is still configured stay queued. */
    struct inbox *old = d->inboxes;
    d->inboxes = s->inboxes;
    for (struct file *f = d->qhead, *nx; f; f = nx) {
        struct inbox *in;
        nx = f->next;
        for (in = d->inboxes; in && strcmp(in->path, f->in->path) != 0; in = in->next)
            ;
        if (in)
            f->in = in;
        else
            file_drop(d, f);
    }
    inboxes_close(old);
    schedules_stop(d, d->schedules);
    d->schedules = s->schedules;
    memset(s, 0, sizeof *s);
}

static void log_problems(const char *event, const char *msg)
{
    const char *p = msg;

    while (*p) {
        const char *nl = strchr(p, '\n');
        int len = nl ? (int)(nl - p) : (int)strlen(p);
        if (len > 0)
            logx(L_ERROR, event, NULL, NULL, "%.*s", len, p);
        p += len;
        if (*p)
            p++;
    }
}

static void reload_request(struct daemon *d)
{
    struct config *c = NULL;
    struct cc_error err = { 0 };
    const char *path = config_path(d->g->config);

    logx(L_INFO, "config.reload", path, NULL, "SIGHUP: reading the configuration %s",
         path ? path : "(none: defaults)");
    if (config_load_checked(&c, d->g->config_given, &err) != CC_OK) {
        logx(L_ERROR, "config.rejected", path, NULL,
             "the configuration has problems; keeping the one in use (each problem follows)");
        log_problems("config.problem", err.msg);
        config_free(c);
        return;
    }
    config_free(d->pending);
    d->pending = c;
    pump(d);
}

/* Called once no worker runs and the writer is idle. */
static void reload_apply(struct daemon *d)
{
    struct config *c = d->pending;
    struct cc_error err = { 0 };
    struct setup s;

    d->pending = NULL;
    if (setup_build(d, c, &s, &err) != CC_OK) {
        logx(L_ERROR, "config.rejected", config_path(c), NULL,
             "the configuration cannot be used; keeping the one in use (each problem follows)");
        log_problems("config.problem", err.msg);
        setup_free(&s);
        config_free(c);
        return;
    }
    if (register_sync_dirs(d->st, (const char *const *)s.dirs, s.ndirs, WRITE_WAIT_SECONDS,
                           &err) != CC_OK) {
        logx(L_ERROR, "config.rejected", config_path(c), NULL,
             "the configuration's unit registers cannot be loaded; keeping the one in use: %s",
             err.msg);
        setup_free(&s);
        config_free(c);
        return;
    }
    if (!d->g->db_given && config_is_set(c, "database")) {
        char *db = config_resolve(c, config_string(c, "database", d->g->db));
        if (strcmp(db, d->g->db) != 0)
            logx(L_WARN, "config.database_ignored", db, NULL,
                 "the configuration names another database (%s): restart the daemon to use it; "
                 "still serving %s", db, d->g->db);
        free(db);
    }
    setup_apply(d, c, &s);
    config_free(d->g->config);
    d->g->config = c;
    logging_from_config(d, c);
    inboxes_start(d);
    schedules_start(d, d->schedules);
    logx(L_INFO, "config.reloaded", config_path(c), NULL,
         "configuration reloaded: %zu inboxes, %zu schedules", config_count(c, "inboxes"),
         config_count(c, "schedules"));
    sd_notify_msg("READY=1");
    scan_all(d);
}

/* ---------------------------------------------------------------- scheduling the work */

static bool writer_can_take_files(const struct daemon *d, uint64_t now)
{
    for (const struct file *f = d->qhead; f; f = f->next) {
        if (f->state == F_PARSED && f->retry_at <= now)
            return true;
    }
    return false;
}

static void on_wake(uv_timer_t *t);

/* Arms the wake timer for the next settle deadline or retry. */
static void arm_wake(struct daemon *d)
{
    uint64_t now = uv_now(&d->loop), next = UINT64_MAX;

    for (const struct file *f = d->qhead; f; f = f->next) {
        uint64_t at = UINT64_MAX;
        if (f->state == F_SETTLING)
            at = f->stable_since + settle_ms(f);
        else if ((f->state == F_READY || f->state == F_PARSED) && f->retry_at > now)
            at = f->retry_at;
        if (at < next)
            next = at;
    }
    if (next == UINT64_MAX)
        uv_timer_stop(&d->wake_timer);
    else
        uv_timer_start(&d->wake_timer, on_wake, next > now ? next - now : 0, 0);
}

static void close_everything(struct daemon *d);

static void maybe_finish(struct daemon *d)
{
    if (!d->stopping || d->closing || d->workers > 0 || d->writer_busy)
        return;
    close_everything(d);
}

static void pump(struct daemon *d)
{
    uint64_t now = uv_now(&d->loop);

    if (d->stopping) {
        maybe_finish(d);
        return;
    }
    /* Runs whose import job is over go on to their next job. */
    for (struct run *r = d->runs, *nx; r; r = nx) {
        nx = r->next;
        if (r->waiting_import && !files_pending(d, r->import_seq)) {
            r->waiting_import = false;
            logx(L_INFO, "job.import", NULL,
                 (struct lf[]){ LS("schedule", r->name),
                                LI("imported", d->counts[0] - r->counts_at_start[0]),
                                LI("unchanged", d->counts[1] - r->counts_at_start[1]),
                                LI("failed", d->counts[2] - r->counts_at_start[2]), LEND },
                 "schedule %s: import: %ld imported, %ld unchanged, %ld failed", r->name,
                 d->counts[0] - r->counts_at_start[0], d->counts[1] - r->counts_at_start[1],
                 d->counts[2] - r->counts_at_start[2]);
            run_job_done(r, true);
            nx = d->runs; /* run_job_done may have changed the list */
        }
    }
    /* Workers: the oldest file first; parsed files waiting for the writer
     * are capped, so memory stays bounded whatever arrives. */
    size_t parsed = 0;
    for (const struct file *f = d->qhead; f; f = f->next)
        parsed += f->state == F_PARSED;
    while (!d->pending && d->workers < d->max_workers) {
        struct file *pick = NULL;
        for (struct file *f = d->qhead; f && pick == NULL; f = f->next) {
            if ((f->state == F_READY && f->retry_at <= now) ||
                (f->state == F_TO_PARSE && parsed < (size_t)d->max_parsed))
                pick = f;
        }
        if (pick == NULL)
            break;
        d->workers++;
        pick->work.data = pick;
        if (pick->w == NULL)
            pick->w = xcalloc(1, sizeof *pick->w);
        pick->w->rc = CC_OK;
        cc_error_clear(&pick->w->err);
        if (pick->state == F_READY) {
            pick->state = F_IDENTIFYING;
            uv_queue_work(&d->loop, &pick->work, identify_work, identify_done);
        } else {
            pick->state = F_PARSING;
            logx(L_DEBUG, "file.parsing", pick->path,
                 (struct lf[]){ LS("plugin", import_parsed_plugin(pick->ip)), LEND },
                 "%s: parsing with %s", pick->path, import_parsed_plugin(pick->ip));
            uv_queue_work(&d->loop, &pick->work, parse_work, parse_done);
        }
    }
    /* The writer: scheduled jobs, else the oldest parsed file. */
    if (!d->writer_busy) {
        if (d->wq_head && !d->pending) {
            struct wtask *t = d->wq_head;
            d->wq_head = t->next;
            if (d->wq_head == NULL)
                d->wq_tail = NULL;
            writer_start(d, t);
        } else {
            for (struct file *f = d->qhead; f; f = f->next) {
                if (f->state == F_PARSED && f->retry_at <= now) {
                    struct wtask *t = xcalloc(1, sizeof *t);
                    t->d = d;
                    t->kind = W_STORE;
                    t->f = f;
                    writer_start(d, t);
                    break;
                }
            }
        }
    }
    /* Nothing to do after some work: the writer tidies up. */
    if (!d->writer_busy && d->writer_used && d->workers == 0 && !d->pending) {
        struct wtask *t = xcalloc(1, sizeof *t);
        t->d = d;
        t->kind = W_IDLE;
        writer_start(d, t);
    }
    /* A new configuration goes in at a quiet moment. */
    if (d->pending && d->workers == 0 && !d->writer_busy && !writer_can_take_files(d, now)) {
        reload_apply(d);
        pump(d);
        return;
    }
    arm_wake(d);
}

/* ---------------------------------------------------------------- timers and signals */

static void on_wake(uv_timer_t *t)
{
    struct daemon *d = t->data;
    uint64_t now = uv_now(&d->loop);

    for (struct file *f = d->qhead, *nx; f; f = nx) {
        struct stat sb;
        nx = f->next;
        if (f->state != F_SETTLING || now < f->stable_since + settle_ms(f))
            continue;
        if (stat(f->path, &sb) == 0 && S_ISREG(sb.st_mode)) {
            file_observe(d, f->in, f->path, &sb);
        } else {
            logx(L_DEBUG, "file.vanished", f->path, NULL, "%s: gone", f->path);
            file_drop(d, f);
        }
    }
    pump(d);
}

static void on_kick(uv_timer_t *t)
{
    struct daemon *d = t->data;

    for (struct inbox *in = d->inboxes; in; in = in->next) {
        if (in->dirty)
            scan_inbox(d, in);
    }
    pump(d);
}

static void on_scan(uv_timer_t *t)
{
    struct daemon *d = t->data;

    scan_all(d);
    pump(d);
}

static const char *signal_name(int signum)
{
    return signum == SIGTERM ? "SIGTERM" : signum == SIGINT ? "SIGINT" : signum == SIGHUP ? "SIGHUP"
                                                                                   : "a signal";
}

static void begin_stop(struct daemon *d, int signum)
{
    int parsing = 0;

    for (struct file *f = d->qhead; f; f = f->next) {
        if (f->state == F_IDENTIFYING || f->state == F_PARSING) {
            /* Not started yet: never starts. Running: stops at its next record. */
            uv_cancel((uv_req_t *)&f->work);
            parsing++;
        }
    }
    logx(L_INFO, "daemon.stopping", NULL, (struct lf[]){ LS("signal", signal_name(signum)), LEND },
         "%s: stopping: no new work%s%s", signal_name(signum),
         d->writer_busy ? "; the transaction under way finishes first" : "",
         parsing ? "; parses under way are abandoned (their files stay in the inbox)" : "");
    d->stopping = true;
    atomic_store(&d->cancel, 1);
    sd_notify_msg("STOPPING=1");
    if (d->writer_busy)
        uv_cancel((uv_req_t *)&d->wcur->work);
    uv_timer_stop(&d->scan_timer);
    uv_timer_stop(&d->wake_timer);
    uv_timer_stop(&d->kick_timer);
    for (struct schedule *s = d->schedules; s; s = s->next)
        uv_timer_stop(&s->timer);
    for (struct inbox *in = d->inboxes; in; in = in->next) {
        if (in->ev_init)
            uv_fs_event_stop(&in->ev);
    }
    maybe_finish(d);
}

static void on_signal(uv_signal_t *h, int signum)
{
    struct daemon *d = h->data;

    if (signum == SIGHUP) {
        if (!d->stopping)
            reload_request(d);
        return;
    }
    if (!d->stopping) {
        begin_stop(d, signum);
    } else if (d->writer_busy) {
        logx(L_WARN, "daemon.interrupt", NULL, NULL,
             "%s again: interrupting the transaction under way (it rolls back)",
             signal_name(signum));
        /* sqlite3_interrupt() is lost between two statements (the importer runs
         * many short ones): the progress handler sees this flag at once. */
        atomic_store(&d->interrupt, 1);
    }
}

static void close_everything(struct daemon *d)
{
    d->closing = true;
    uv_close((uv_handle_t *)&d->sig_term, NULL);
    uv_close((uv_handle_t *)&d->sig_int, NULL);
    uv_close((uv_handle_t *)&d->sig_hup, NULL);
    uv_close((uv_handle_t *)&d->scan_timer, NULL);
    uv_close((uv_handle_t *)&d->wake_timer, NULL);
    uv_close((uv_handle_t *)&d->kick_timer, NULL);
    schedules_stop(d, d->schedules);
    d->schedules = NULL;
    inboxes_close(d->inboxes);
    d->inboxes = NULL;
}

/* Called by SQLite every few thousand instructions on the writer's connection:
 * non-zero interrupts the statement, and the transaction rolls back. */
static int writer_progress(void *ctx)
{
    struct daemon *d = ctx;

    return atomic_load(&d->interrupt) != 0;
}

/* ---------------------------------------------------------------- the lock */

/* One daemon per database: an exclusive flock on "<db>.daemon.lock", held until exit. */
static int take_lock(struct daemon *d, struct cc_error *err)
{
    struct sbuf p;
    char pid[32] = "";

    sbuf_init(&p);
    sbuf_printf(&p, "%s.daemon.lock", d->g->db);
    d->lock_path = p.s;
    d->lock_fd = open(d->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (d->lock_fd < 0)
        return cc_fail(err, CC_EIO, "%s: cannot open the daemon's lock file: %s", d->lock_path,
                       strerror(errno));
    if (flock(d->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        if (e == EWOULDBLOCK) {
            ssize_t n = pread(d->lock_fd, pid, sizeof pid - 1, 0);
            pid[n > 0 ? n : 0] = '\0';
            pid[strcspn(pid, "\n")] = '\0';
            return cc_fail(err, CC_EBUSY,
                           "%s: another concord daemon%s%s%s is already running on this "
                           "database (it holds %s); stop it first",
                           d->g->db, *pid ? " (pid " : "", pid, *pid ? ")" : "", d->lock_path);
        }
        return cc_fail(err, CC_EIO, "%s: cannot lock: %s", d->lock_path, strerror(e));
    }
    snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(d->lock_fd, 0) == 0)
        (void)!pwrite(d->lock_fd, pid, strlen(pid), 0);
    return CC_OK;
}

/* ---------------------------------------------------------------- run */

static void daemon_free(struct daemon *d)
{
    for (struct file *f = d->qhead, *nx; f; f = nx) {
        nx = f->next;
        file_drop(d, f);
    }
    free(d->ftab);
    for (struct run *r = d->runs, *nx; r; r = nx) {
        nx = r->next;
        logx(L_INFO, "schedule.interrupted", NULL, (struct lf[]){ LS("schedule", r->name), LEND },
             "schedule %s: run interrupted by the shutdown", r->name);
        run_free(r);
    }
    for (struct wtask *t = d->wq_head, *nx; t; t = nx) {
        nx = t->next;
        free(t);
    }
    pool_drain(d);
    plugin_registry_free(d->reg);
    normaliser_free(d->norm);
    privacy_free(d->priv);
    tz_free(d->tz);
    if (d->dirs)
        dirs_free(d->dirs, d->ndirs);
    config_free(d->pending);
    store_close(d->rd);
    store_close(d->st);
    if (d->lock_fd >= 0)
        close(d->lock_fd);
    free(d->lock_path);
    free(d);
}

int daemon_run(struct globals *g, const struct daemon_options *opt)
{
    struct daemon *d = xcalloc(1, sizeof *d);
    const struct config *cfg;
    struct cc_error err = { 0 };
    struct setup s = { 0 };
    int rc;

    d->g = g;
    d->opt = opt;
    d->lock_fd = -1;
    d->scan_interval = opt->scan_interval > 0 ? opt->scan_interval : 30;
    lg.pid = (long)getpid();
    lg.journal = stderr_is_journal();
    if (opt->log_format) {
        d->log_format_given = true;
        lg.json = strcmp(opt->log_format, "json") == 0;
    }
    signal(SIGPIPE, SIG_IGN);

    rc = cli_config(g, &cfg, &err);
    if (rc && strchr(err.msg, '\n')) {
        logx(L_ERROR, "daemon.failed", NULL, (struct lf[]){ LI("status", rc), LEND },
             "not started: the configuration has problems (each follows)");
        log_problems("config.problem", err.msg);
    } else if (rc) {
        logx(L_ERROR, "daemon.failed", NULL, (struct lf[]){ LI("status", rc), LEND },
             "not started: %s", err.msg);
    }
    if (rc) {
        free(d);
        return rc;
    }
    logging_from_config(d, cfg);
    /* The database: --db, else the configuration's, else ./concord.db (as cli_open_store). */
    if (!g->db_given && g->db_owned == NULL && config_is_set(cfg, "database")) {
        g->db_owned = config_resolve(cfg, config_string(cfg, "database", g->db));
        g->db = g->db_owned;
    }
    rc = take_lock(d, &err);
    /* Opening with create runs the schema migrations and syncs the unit register;
     * a command writing meanwhile is waited for (a minute at most). */
    for (int tries = 0; rc == CC_OK; tries++) {
        rc = cli_open_store(g, true, &d->st, &err);
        if (rc != CC_EBUSY || tries >= 12)
            break;
        logx(L_WARN, "daemon.waiting", g->db, NULL, "%s; trying again in 5 s", err.msg);
        cc_error_clear(&err);
        rc = CC_OK;
        sleep(5);
    }
    if (rc == CC_OK)
        rc = store_open(&d->rd, g->db, false, &err);
    if (rc == CC_OK)
        rc = setup_build(d, cfg, &s, &err);
    if (rc == CC_OK)
        rc = register_sync_dirs(d->st, (const char *const *)s.dirs, s.ndirs, WRITE_WAIT_SECONDS,
                                &err);
    if (rc) {
        logx(L_ERROR, "daemon.failed", NULL, (struct lf[]){ LI("status", rc), LEND },
             "not started: %s", err.msg);
        setup_free(&s);
        daemon_free(d);
        return rc;
    }
    sqlite3_progress_handler(d->st->db, 10000, writer_progress, d);
    /* A burst checkpoints less often (every ~40 MB of WAL, not 4 MB: a quarter
     * less time), and the writer checkpoints whenever it falls idle. */
    store_exec(d->st, "PRAGMA wal_autocheckpoint = 10000; PRAGMA journal_size_limit = 67108864",
               NULL);

    /* Parses in parallel, plus the writer, plus libuv's own file work. */
    d->max_workers = opt->workers > 0 ? opt->workers : (int)uv_available_parallelism();
    if (d->max_workers < 1)
        d->max_workers = 1;
    d->max_parsed = d->max_workers;
    if (getenv("UV_THREADPOOL_SIZE") == NULL) {
        char n[16];
        snprintf(n, sizeof n, "%d", d->max_workers + 2 < 4 ? 4 : d->max_workers + 2);
        setenv("UV_THREADPOOL_SIZE", n, 1);
    }
    uv_mutex_init(&d->pool_mu);
    uv_loop_init(&d->loop);
    d->loop.data = d;
    d->hr_origin = uv_hrtime();
    d->clock_origin = real_now();
    setup_apply(d, cfg, &s);

    uv_signal_init(&d->loop, &d->sig_term);
    uv_signal_init(&d->loop, &d->sig_int);
    uv_signal_init(&d->loop, &d->sig_hup);
    d->sig_term.data = d->sig_int.data = d->sig_hup.data = d;
    uv_signal_start(&d->sig_term, on_signal, SIGTERM);
    uv_signal_start(&d->sig_int, on_signal, SIGINT);
    uv_signal_start(&d->sig_hup, on_signal, SIGHUP);
    uv_timer_init(&d->loop, &d->scan_timer);
    uv_timer_init(&d->loop, &d->wake_timer);
    uv_timer_init(&d->loop, &d->kick_timer);
    d->scan_timer.data = d->wake_timer.data = d->kick_timer.data = d;
    uint64_t scan_ms = (uint64_t)(d->scan_interval * 1000);
    uv_timer_start(&d->scan_timer, on_scan, scan_ms, scan_ms);

    if (opt->tick > 0)
        logx(L_WARN, "daemon.test_clock", NULL, (struct lf[]){ LD("tick", opt->tick), LEND },
             "test mode (--tick %g): the schedules' clock runs %g times faster than real time "
             "(a minute every %g s)", opt->tick, 60.0 / opt->tick, opt->tick);
    inboxes_start(d);
    schedules_start(d, d->schedules);
    {
        sqlite3_stmt *q;
        int version = 0;
        if (sqlite3_prepare_v2(d->rd->db, "PRAGMA user_version", -1, &q, NULL) == SQLITE_OK) {
            if (sqlite3_step(q) == SQLITE_ROW)
                version = sqlite3_column_int(q, 0);
            sqlite3_finalize(q);
        }
        logx(L_INFO, "daemon.start", NULL,
             (struct lf[]){ LS("database", g->db), LI("schema", version),
                            LS("config", config_path(cfg)), LI("workers", d->max_workers),
                            LI("pid", lg.pid), LS("version", CONCORD_VERSION), LEND },
             "concord %s started: database %s (schema %d), configuration %s, %d parallel "
             "parses", CONCORD_VERSION, g->db, version,
             config_path(cfg) ? config_path(cfg) : "(none: defaults)", d->max_workers);
    }
    /* Ready: the inboxes are watched and the schedules set. */
    sd_notify_msg("READY=1");
    scan_all(d);
    pump(d);

    uv_run(&d->loop, UV_RUN_DEFAULT);

    logx(L_INFO, "daemon.stopped", NULL,
         (struct lf[]){ LI("imported", d->counts[0]), LI("unchanged", d->counts[1]),
                        LI("failed", d->counts[2]), LEND },
         "stopped: %ld files imported, %ld unchanged, %ld failed since the start", d->counts[0],
         d->counts[1], d->counts[2]);
    if (uv_loop_close(&d->loop) != 0)
        logx(L_WARN, "daemon.leak", NULL, NULL, "a libuv handle was still open at exit");
    uv_mutex_destroy(&d->pool_mu);
    daemon_free(d);
    uv_library_shutdown();
    return CC_OK;
}
