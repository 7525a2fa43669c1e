/* SPDX-License-Identifier: MIT */
/* concord daemon and concord backup. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "daemon.h"

/* ---------------------------------------------------------------- daemon */

const char usage_daemon[] =
    "Usage: concord [--db FILE] [--config FILE] daemon [OPTIONS]\n"
    "\n"
    "Runs in the foreground until SIGTERM or SIGINT. Watches the configuration's\n"
    "inboxes: a file is imported once its size and time have not changed for the\n"
    "inbox's settle_seconds (dot-files and *.tmp, *.part, *~, ~$* names never), then\n"
    "moved to processed/ (a file that fails to failed/, its reason in NAME.error.txt).\n"
    "New files are parsed in parallel and stored one transaction each by one writer.\n"
    "Runs the configuration's schedules (jobs import, reconcile, report). SIGHUP\n"
    "reloads the configuration (one with problems is refused: the old one stays).\n"
    "One daemon per database. Logs go to stderr, one line per event; see\n"
    "docs/operations.md for systemd, backups and every log line.\n"
    "\n"
    "Options:\n"
    "  --log-format plain|json  the log format (default: the configuration's log.format)\n"
    "  --plugin-dir DIR         also load plugins from DIR (repeatable)\n"
    "  --workers N              files parsed at once (default: the CPUs available)\n"
    "  --scan-interval SECONDS  inboxes are also scanned this often, for file systems\n"
    "                           that report no changes (default 30)\n"
    "  --tick SECONDS           TEST MODE: the schedules' clock runs fast, a minute\n"
    "                           every SECONDS of real time (\"* * * * *\" then fires\n"
    "                           every SECONDS); nothing else changes\n"
    "\n"
    "Exit status: 0 after SIGTERM or SIGINT, 65 a configuration with problems,\n"
    "75 another daemon already serves the database.\n";

int cmd_daemon(struct globals *g, int argc, char **argv)
{
    struct opts o = { argc, 1, argv, "daemon" };
    struct daemon_options dopt = { 0 };
    const char *dirs[32];
    int status = CC_OK;

    for (; o.i < argc && status == CC_OK; o.i++) {
        const char *v;
        long long n;
        if (cli_opt(&o, "--log-format", &v, &status)) {
            if (v && strcmp(v, "plain") != 0 && strcmp(v, "json") != 0)
                status = cli_usage_error("daemon", "--log-format must be plain or json, not '%s'",
                                         v);
            dopt.log_format = v;
        } else if (cli_opt(&o, "--plugin-dir", &v, &status)) {
            if (v && !cli_is_dir(v))
                status = cli_usage_error("daemon", "--plugin-dir %s: not a folder", v);
            else if (v && dopt.nplugin_dirs >= 32)
                status = cli_usage_error("daemon", "%s", "too many --plugin-dir options");
            else if (v)
                dirs[dopt.nplugin_dirs++] = v;
        } else if (cli_opt(&o, "--workers", &v, &status)) {
            if (v && (status = cli_parse_int("daemon", "--workers", v, 1, 64, &n)) == CC_OK)
                dopt.workers = (int)n;
        } else if (cli_opt(&o, "--scan-interval", &v, &status)) {
            if (v && (status = cli_parse_int("daemon", "--scan-interval", v, 1, 86400, &n)) ==
                         CC_OK)
                dopt.scan_interval = (double)n;
        } else if (cli_opt(&o, "--tick", &v, &status)) {
            char *end;
            dopt.tick = v ? strtod(v, &end) : 0;
            if (v && (*end != '\0' || !(dopt.tick >= 0.05 && dopt.tick <= 60)))
                status = cli_usage_error("daemon", "--tick takes seconds from 0.05 to 60, not "
                                         "'%s'", v);
        } else {
            status = cli_usage_error("daemon", "unexpected argument '%s'", argv[o.i]);
        }
    }
    if (status)
        return status;
    dopt.plugin_dirs = dirs;
    return daemon_run(g, &dopt);
}

/* ---------------------------------------------------------------- backup */

const char usage_backup[] =
    "Usage: concord [--db FILE] backup FILE\n"
    "\n"
    "Copies the database to FILE with SQLite's online backup: one consistent\n"
    "snapshot, taken while the daemon and other commands go on reading and writing.\n"
    "FILE must not exist; it appears only once it is complete and checked. The key\n"
    "of the case pseudonyms (the database's .key file, or privacy.key_file) is\n"
    "copied to FILE.key (mode 0600): a database restored without its key cannot\n"
    "link new imports to the cases it holds, so keep the two together.\n";

/* Copies src to a new file dst with mode (never replacing one). */
static int copy_file(const char *src, const char *dst, mode_t mode, struct cc_error *err)
{
    char buf[8192];
    int in = open(src, O_RDONLY | O_CLOEXEC), out;
    ssize_t n = 0;
    int rc = CC_OK;

    if (in < 0)
        return cc_fail(err, CC_ENOINPUT, "%s: %s", src, strerror(errno));
    out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (out < 0) {
        rc = cc_fail(err, CC_EIO, "%s: %s", dst, strerror(errno));
        close(in);
        return rc;
    }
    while (rc == CC_OK && (n = read(in, buf, sizeof buf)) > 0) {
        if (write(out, buf, (size_t)n) != n)
            rc = cc_fail(err, CC_EIO, "%s: %s", dst, strerror(errno));
    }
    if (rc == CC_OK && n < 0)
        rc = cc_fail(err, CC_EIO, "%s: %s", src, strerror(errno));
    if (rc == CC_OK && fsync(out) != 0)
        rc = cc_fail(err, CC_EIO, "%s: %s", dst, strerror(errno));
    close(in);
    if (close(out) != 0 && rc == CC_OK)
        rc = cc_fail(err, CC_EIO, "%s: %s", dst, strerror(errno));
    if (rc)
        unlink(dst);
    return rc;
}

int cmd_backup(struct globals *g, int argc, char **argv)
{
    struct cc_error err = { 0 };
    struct store *st = NULL;
    sqlite3 *dst = NULL;
    sqlite3_backup *b;
    const char *file = NULL;
    struct stat sb;
    struct sbuf tmp, key_to;
    char *key_from = NULL;
    double t0 = cc_monotonic();
    int pages = 0, rc = CC_OK;

    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage_error("backup", "unexpected option '%s'", argv[i]);
        if (file)
            return cli_usage_error("backup", "unexpected argument '%s'", argv[i]);
        file = argv[i];
    }
    if (file == NULL)
        return cli_usage_error("backup", "%s", "give the file to write the backup to");
    if (lstat(file, &sb) == 0)
        return cli_usage_error("backup", "%s exists: give a new name (a backup never "
                               "replaces a file)", file);
    if (cli_open_store(g, false, &st, &err))
        return cli_report(&err);

    sbuf_init(&tmp);
    sbuf_init(&key_to);
    sbuf_printf(&tmp, "%s.partial-%ld", file, (long)getpid());
    sbuf_printf(&key_to, "%s.key", file);
    if (sqlite3_open_v2(tmp.s, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        rc = cc_fail(&err, CC_EIO, "%s: cannot create: %s", file,
                     dst ? sqlite3_errmsg(dst) : "out of memory");
    } else if ((b = sqlite3_backup_init(dst, "main", st->db, "main")) == NULL) {
        rc = cc_fail(&err, CC_EIO, "%s: cannot start the backup: %s", file, sqlite3_errmsg(dst));
    } else {
        /* All pages in one step: one read transaction, so one snapshot; under
         * WAL it does not hold up writers. */
        int s;
        while ((s = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || s == SQLITE_LOCKED)
            sqlite3_sleep(100);
        pages = sqlite3_backup_pagecount(b);
        sqlite3_backup_finish(b);
        if (s != SQLITE_DONE)
            rc = cc_fail(&err, CC_EIO, "%s: backup failed: %s", file, sqlite3_errstr(s));
    }
    if (rc == CC_OK) {
        sqlite3_stmt *q;
        const char *verdict = "?";
        if (sqlite3_prepare_v2(dst, "PRAGMA quick_check", -1, &q, NULL) == SQLITE_OK &&
            sqlite3_step(q) == SQLITE_ROW)
            verdict = (const char *)sqlite3_column_text(q, 0);
        if (strcmp(verdict, "ok") != 0)
            rc = cc_fail(&err, CC_EIO, "%s: the copy does not check out: %s", file, verdict);
        sqlite3_finalize(q);
    }
    if (dst && sqlite3_close(dst) != SQLITE_OK && rc == CC_OK)
        rc = cc_fail(&err, CC_EIO, "%s: %s", file, sqlite3_errmsg(dst));
    if (rc == CC_OK) {
        int fd = open(tmp.s, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            (void)fsync(fd);
            close(fd);
        }
        /* link() never replaces: a file made meanwhile under that name wins. */
        if (link(tmp.s, file) != 0 && (errno != EPERM || rename(tmp.s, file) != 0))
            rc = cc_fail(&err, CC_EIO, "%s: %s", file, strerror(errno));
    }
    unlink(tmp.s);
    if (rc == CC_OK) {
        const struct config *cfg = NULL;
        const char *key = NULL;
        if (cli_config(g, &cfg, &err) == CC_OK)
            key = config_string(cfg, "privacy.key_file", NULL);
        key_from = key ? config_resolve(cfg, key) : NULL;
        if (key_from == NULL) {
            struct sbuf k;
            sbuf_init(&k);
            sbuf_printf(&k, "%s.key", g->db);
            key_from = k.s;
        }
        cc_error_clear(&err);
        if (access(key_from, F_OK) == 0)
            rc = copy_file(key_from, key_to.s, 0600, &err);
        if (rc == CC_OK)
            printf("%s: backup of %s, %d pages, in %.2f s; %s%s\n", file, g->db, pages,
                   cc_monotonic() - t0,
                   access(key_to.s, F_OK) == 0 ? "its key copied to " : "no key file to copy",
                   access(key_to.s, F_OK) == 0 ? key_to.s : "");
    }
    free(key_from);
    sbuf_free(&tmp);
    sbuf_free(&key_to);
    store_close(st);
    return rc ? cli_report(&err) : CC_OK;
}
