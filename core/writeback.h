/* SPDX-License-Identifier: MIT */
#ifndef CONCORD_WRITEBACK_H
#define CONCORD_WRITEBACK_H

/*
 * Starts the disk writing a database's WAL and file while a large write
 * transaction runs. A million-row import leaves some 150 MB dirty in the page
 * cache, which the kernel (its background threshold is a tenth of memory) would
 * not touch until the commit's syncs: of the WAL, then of the database after
 * the checkpoint copied it there, about 0.65 s on this project's machine, with
 * the CPU idle. A thread asks the kernel every 50 ms to start writing what is
 * dirty (sync_file_range, as PostgreSQL's *_flush_after settings do), so the
 * syncs find little left. Durability is unchanged: the syncs still happen.
 * Linux only; elsewhere writeback_start returns NULL and nothing happens.
 */
struct writeback;

struct writeback *writeback_start(const char *db_path);
void writeback_stop(struct writeback *w);

#endif
