/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* sync_file_range */
#include "writeback.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>
#include <uv.h>

#include "util.h"

#ifdef __linux__

enum { TICK_MS = 50 };

struct writeback {
    char *paths[2]; /* the database and its WAL */
    int fds[2];
    uv_thread_t thread;
    uv_mutex_t lock;
    uv_cond_t wake;
    bool stop;
};

static void tick(struct writeback *w)
{
    for (int i = 0; i < 2; i++) {
        /* The WAL may not exist yet: open it when it does. */
        if (w->fds[i] < 0)
            w->fds[i] = open(w->paths[i], O_RDONLY | O_CLOEXEC);
        /* Only starts the writing; errors change nothing (the syncs decide). */
        if (w->fds[i] >= 0)
            (void)sync_file_range(w->fds[i], 0, 0, SYNC_FILE_RANGE_WRITE);
    }
}

static void run(void *arg)
{
    struct writeback *w = arg;

    uv_mutex_lock(&w->lock);
    while (!w->stop) {
        uv_mutex_unlock(&w->lock);
        tick(w);
        uv_mutex_lock(&w->lock);
        if (!w->stop)
            (void)uv_cond_timedwait(&w->wake, &w->lock, (uint64_t)TICK_MS * 1000000);
    }
    uv_mutex_unlock(&w->lock);
}

struct writeback *writeback_start(const char *db_path)
{
    struct writeback *w = xcalloc(1, sizeof *w);
    struct sbuf wal;

    sbuf_init(&wal);
    sbuf_printf(&wal, "%s-wal", db_path);
    w->paths[0] = xstrdup(db_path);
    w->paths[1] = wal.s;
    w->fds[0] = w->fds[1] = -1;
    uv_mutex_init(&w->lock);
    uv_cond_init(&w->wake);
    if (uv_thread_create(&w->thread, run, w) != 0) {
        /* Only speed is lost. */
        uv_cond_destroy(&w->wake);
        uv_mutex_destroy(&w->lock);
        free(w->paths[0]);
        free(w->paths[1]);
        free(w);
        return NULL;
    }
    return w;
}

void writeback_stop(struct writeback *w)
{
    if (w == NULL)
        return;
    uv_mutex_lock(&w->lock);
    w->stop = true;
    uv_cond_signal(&w->wake);
    uv_mutex_unlock(&w->lock);
    uv_thread_join(&w->thread);
    for (int i = 0; i < 2; i++) {
        if (w->fds[i] >= 0)
            close(w->fds[i]);
        free(w->paths[i]);
    }
    uv_cond_destroy(&w->wake);
    uv_mutex_destroy(&w->lock);
    free(w);
}

#else

struct writeback *writeback_start(const char *db_path)
{
    (void)db_path;
    return NULL;
}

void writeback_stop(struct writeback *w)
{
    (void)w;
}

#endif
