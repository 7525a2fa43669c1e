/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for core/writeback.c: the thread that starts the disk writing a
 * database and its WAL during a large import. What can be seen from outside:
 * it holds the database open, opens the WAL once it exists (an import creates
 * it after the thread starts), and leaves no descriptor behind when stopped.
 * Whether the kernel wrote early is a matter of timing: scripts/bench-import.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "writeback.h"

/* How many of this process's descriptors are open on path. */
static int open_on(const char *path)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    char link[300], target[4096];
    int n = 0;

    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(link, sizeof link, "/proc/self/fd/%s", e->d_name);
        ssize_t len = readlink(link, target, sizeof target - 1);
        if (len < 0)
            continue;
        target[len] = '\0';
        n += strcmp(target, path) == 0;
    }
    closedir(d);
    return n;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

int main(void)
{
    char dir[] = "/tmp/concord-writeback.XXXXXX", db[512], wal[512];

    if (mkdtemp(dir) == NULL) {
        ok(0, "a scratch folder");
        return tap_done();
    }
    char *real = realpath(dir, NULL);
    snprintf(db, sizeof db, "%s/t.db", real);
    snprintf(wal, sizeof wal, "%s/t.db-wal", real);
    free(real);
    write_file(db, "database");

#ifdef __linux__
    struct writeback *w = writeback_start(db);
    ok(w != NULL, "started on a database");
    usleep(200 * 1000);
    is_int(open_on(db), 1, "it holds the database open");
    is_int(open_on(wal), 0, "no WAL yet, nothing opened for it");
    write_file(wal, "frames");
    usleep(200 * 1000);
    is_int(open_on(wal), 1, "the WAL is opened once it exists");
    writeback_stop(w);
    is_int(open_on(db) + open_on(wal), 0, "stopped: no descriptor left on either");

    snprintf(db, sizeof db, "%s/missing/t.db", dir);
    w = writeback_start(db);
    ok(w != NULL, "started on a path that does not exist");
    usleep(120 * 1000);
    writeback_stop(w);
    ok(1, "and stopped (nothing to write is no error)");
#else
    ok(writeback_start(db) == NULL, "not Linux: nothing is started");
#endif
    writeback_stop(NULL);
    ok(1, "stopping nothing is harmless");

    snprintf(db, sizeof db, "%s/t.db", dir);
    unlink(db);
    unlink(wal);
    rmdir(dir);
    return tap_done();
}
