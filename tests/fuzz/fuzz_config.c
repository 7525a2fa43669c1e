/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the configuration loader (core/config.c): any bytes as
 * concord.lua are loaded in the sandbox, checked, shown and freed. Nothing may
 * crash, leak or run away: the sandbox's instruction and memory limits hold.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    struct config *c = NULL;
    struct cc_error err = { 0 };
    struct sbuf problems;
    FILE *f;

    if (path[0] == '\0')
        snprintf(path, sizeof path, "/tmp/fuzz-config-%ld.lua", (long)getpid());
    f = fopen(path, "wb");
    if (f == NULL)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    if (config_load(&c, path, &err) == CC_OK) {
        sbuf_init(&problems);
        config_check(c, &problems);
        sbuf_free(&problems);
        FILE *out = fopen("/dev/null", "w");
        if (out) {
            config_show(c, out);
            fclose(out);
        }
        (void)config_number(c, "rules.OVERLOAD.min_events", 5);
        (void)config_string(c, "schedules.1.cron", NULL);
        config_free(c);
    }
    return 0;
}
