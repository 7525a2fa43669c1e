/* SPDX-License-Identifier: MIT */
/*
 * concord daemon: one libuv loop that watches the inbox folders, runs the
 * schedules and handles signals. Files are parsed in parallel on the libuv
 * thread pool (import_identify, import_parse: no database) and stored by ONE
 * writer, one transaction per file (import_store), which also runs the
 * scheduled reconcile and report jobs. docs/operations.md describes running
 * it and every line it logs.
 */
#ifndef CONCORD_DAEMON_H
#define CONCORD_DAEMON_H

#include <stddef.h>

struct globals;

struct daemon_options {
    const char *log_format;     /* "plain" or "json"; NULL = the configuration's */
    /*
     * Test mode: seconds of real time per minute of schedule time. The
     * schedules' clock then starts at the real time and runs 60/tick times
     * faster, so "* * * * *" fires every tick seconds; inboxes, settle times
     * and everything else keep real time. 0 = the real clock.
     */
    double tick;
    double scan_interval;       /* seconds between fallback scans of the inboxes; 0 = 30 */
    int workers;                /* parallel parses; 0 = the CPUs available */
    const char *const *plugin_dirs; /* --plugin-dir folders, after the configuration's */
    size_t nplugin_dirs;
};

/**
 * Runs until SIGTERM or SIGINT (then returns CC_OK once the current
 * transaction has finished). Fails at start with CC_EBUSY when another
 * daemon serves the same database, or with the status of what went wrong.
 */
int daemon_run(struct globals *g, const struct daemon_options *opt);

#endif
