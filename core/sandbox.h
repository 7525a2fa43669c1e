/* SPDX-License-Identifier: MIT */
/*
 * Sandboxed Lua 5.4 states for plugins, rules and data files: a capped
 * allocator, an instruction budget, only base/string/table/math/utf8, and no
 * way to load bytecode or reach the file system.
 */
#ifndef CONCORD_SANDBOX_H
#define CONCORD_SANDBOX_H

#include <lua.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct sandbox_limits {
    size_t max_memory;          /* bytes; 0 = default (256 MiB) */
    uint64_t max_instructions;  /* 0 = default (20 billion) */
};

/** Creates a state with the sandbox's allocator, hook and libraries. NULL on OOM. */
lua_State *sandbox_new(const struct sandbox_limits *limits);
void sandbox_close(lua_State *L);

/**
 * Loads a Lua source file (text only: bytecode is refused) and pushes the
 * chunk with a fresh environment whose reads fall through to the sandbox's
 * globals. With data_only, the environment is empty: the file can only
 * return a table.
 */
int sandbox_load_file(lua_State *L, const char *path, int data_only, struct cc_error *err);

/**
 * lua_pcall with a traceback handler. On failure the message (with the
 * reason a limit tripped, where one did) is left in err and the stack is
 * restored; returns CC_EDATA for plugin errors, CC_ESOFTWARE for host bugs.
 */
int sandbox_pcall(lua_State *L, int nargs, int nresults, struct cc_error *err);

/**
 * Starts a fresh instruction count for the next call, capped at
 * max_instructions when that is lower than the configured budget (0 = the
 * configured budget). Detection calls each detect() with a small cap, so one
 * slow or looping detect cannot starve the others.
 */
void sandbox_reset_budget(lua_State *L, uint64_t max_instructions);

/** Replaces global `name` (a table) by a read-only view of it. */
void sandbox_lock_global(lua_State *L, const char *name);

/** Instructions and peak bytes used so far, for `--verbose` and benchmarks. */
uint64_t sandbox_instructions(lua_State *L);
size_t sandbox_peak_memory(lua_State *L);

/**
 * Loads a data file (see sandbox_load_file with data_only) in a fresh
 * sandbox and leaves the returned table on top of the stack of the given
 * state... Convenience for the register and crosswalk loaders: runs the
 * chunk and checks it returned a table.
 */
int sandbox_run_data_file(lua_State *L, const char *path, struct cc_error *err);

/**
 * Loads and runs a Lua file (with data_only, in an empty environment) and
 * leaves the table it returned on the stack; `expect` names what it should
 * return, for the message when it does not ("a table", "concord.plugin{...}").
 */
int sandbox_run_file(lua_State *L, const char *path, int data_only, const char *expect,
                     struct cc_error *err);

#endif
