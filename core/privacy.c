/* SPDX-License-Identifier: MIT */
#include "privacy.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct privacy {
    unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
    /* HMAC's two key blocks, hashed once: each pseudonym then costs two SHA-256
     * blocks instead of four. Read only after privacy_open, so threads share it. */
    crypto_auth_hmacsha256_state keyed;
    bool keep_raw;
    char *key_path;
    char key_id[17];
};

bool privacy_is_crn(const char *s)
{
    if (strlen(s) != 7 || s[0] < 'A' || s[0] > 'Z')
        return false;
    for (int i = 1; i < 7; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return true;
}

static void key_id(const unsigned char *key, char out[17])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_state st;

    /* A fingerprint that names the key without revealing it. */
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)"concord case key", 16);
    crypto_hash_sha256_update(&st, key, crypto_auth_hmacsha256_KEYBYTES);
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(out, 17, h, 8);
}

static int read_key(struct privacy *p, struct cc_error *err)
{
    char hex[2 * crypto_auth_hmacsha256_KEYBYTES + 8];
    size_t bin_len;
    struct stat st;
    FILE *f = fopen(p->key_path, "r");

    if (f == NULL)
        return cc_fail(err, CC_ENOINPUT, "%s: cannot read the case-reference key: %s",
                       p->key_path, strerror(errno));
    size_t n = fread(hex, 1, sizeof hex - 1, f);
    fclose(f);
    hex[n] = '\0';
    while (n > 0 && (hex[n - 1] == '\n' || hex[n - 1] == '\r' || hex[n - 1] == ' '))
        hex[--n] = '\0';
    if (sodium_hex2bin(p->key, sizeof p->key, hex, n, NULL, &bin_len, NULL) != 0 ||
        bin_len != sizeof p->key)
        return cc_fail(err, CC_EDATA, "%s: not a Concord key (expected %zu hex digits)",
                       p->key_path, 2 * sizeof p->key);
    if (stat(p->key_path, &st) == 0 && (st.st_mode & 077))
        cc_log(CC_LOG_WARN, "%s: readable by others (mode %03o); run chmod 600 %s", p->key_path,
               (unsigned)(st.st_mode & 0777), p->key_path);
    return CC_OK;
}

/*
 * Writes a new key to a temporary file, then links it into place: a reader
 * never sees half a key, and of two first imports racing, one key wins and
 * the other process reads it (EEXIST).
 */
static int create_key(struct privacy *p, struct cc_error *err)
{
    char hex[2 * crypto_auth_hmacsha256_KEYBYTES + 2];
    struct sbuf tmp;
    int fd, rc = CC_OK;

    randombytes_buf(p->key, sizeof p->key);
    sodium_bin2hex(hex, sizeof hex - 1, p->key, sizeof p->key);
    strcat(hex, "\n");
    sbuf_init(&tmp);
    sbuf_printf(&tmp, "%s.tmp.%ld", p->key_path, (long)getpid());
    fd = open(tmp.s, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        rc = cc_fail(err, CC_EIO, "%s: cannot create the case-reference key: %s", p->key_path,
                     strerror(errno));
    } else {
        size_t len = strlen(hex);
        if (write(fd, hex, len) != (ssize_t)len || fsync(fd) != 0)
            rc = cc_fail(err, CC_EIO, "%s: cannot write the key: %s", p->key_path,
                         strerror(errno));
        close(fd);
        /* link() never replaces an existing key, whatever happens. */
        if (rc == CC_OK && link(tmp.s, p->key_path) != 0) {
            if (errno == EEXIST)
                rc = read_key(p, err);
            else
                rc = cc_fail(err, CC_EIO, "%s: cannot create the case-reference key: %s",
                             p->key_path, strerror(errno));
        }
        unlink(tmp.s);
    }
    sodium_memzero(hex, sizeof hex);
    sbuf_free(&tmp);
    return rc;
}

int privacy_open(struct privacy **out, const char *db_path, const char *key_path, bool keep_raw,
                 bool create, struct cc_error *err)
{
    struct privacy *p = xcalloc(1, sizeof *p);
    int rc = CC_OK;

    *out = NULL;
    p->keep_raw = keep_raw;
    if (key_path) {
        p->key_path = xstrdup(key_path);
    } else {
        struct sbuf b;
        sbuf_init(&b);
        sbuf_printf(&b, "%s.key", db_path);
        p->key_path = b.s;
    }
    if (!keep_raw) {
        if (access(p->key_path, F_OK) == 0)
            rc = read_key(p, err);
        else if (create)
            rc = create_key(p, err);
        else
            rc = cc_fail(err, CC_ENOINPUT, "%s: no case-reference key (it is made on the first "
                         "import)", p->key_path);
        if (rc == CC_OK) {
            key_id(p->key, p->key_id);
            crypto_auth_hmacsha256_init(&p->keyed, p->key, sizeof p->key);
        }
    } else {
        snprintf(p->key_id, sizeof p->key_id, "raw");
    }
    if (rc) {
        privacy_free(p);
        return rc;
    }
    *out = p;
    return CC_OK;
}

void privacy_free(struct privacy *p)
{
    if (p == NULL)
        return;
    sodium_memzero(p->key, sizeof p->key);
    sodium_memzero(&p->keyed, sizeof p->keyed);
    free(p->key_path);
    free(p);
}

int privacy_check(struct privacy *p, struct store *st, struct cc_error *err)
{
    char have[40];

    /* Read only: a database without a key yet accepts any, on first use. */
    if (!store_meta_get(st, "case_key_id", have, sizeof have))
        return CC_OK;
    return privacy_bind(p, st, err);
}

int privacy_bind(struct privacy *p, struct store *st, struct cc_error *err)
{
    char have[40];

    if (store_meta_get(st, "case_key_id", have, sizeof have)) {
        if (strcmp(have, p->key_id) == 0)
            return CC_OK;
        if (strcmp(have, "raw") == 0 || p->keep_raw)
            return cc_fail(err, CC_EDATA,
                           "%s: this database holds %s case references, but the configuration "
                           "asks for %s ones; they cannot be mixed",
                           st->path, strcmp(have, "raw") == 0 ? "raw" : "pseudonymised",
                           p->keep_raw ? "raw" : "pseudonymised");
        return cc_fail(err, CC_EDATA,
                       "%s: the key in %s (id %s) is not the one this database was built with "
                       "(id %s); case pseudonyms would not match. Restore the right key file.",
                       st->path, p->key_path, p->key_id, have);
    }
    if (p->keep_raw)
        cc_log(CC_LOG_WARN, "keeping raw case references (privacy.keep_raw_case_refs): only do "
                            "this with data that is already pseudonymous");
    return store_meta_set(st, "case_key_id", p->key_id, err);
}

const char *privacy_case_ref(struct privacy *p, const char *crn, char out[PRIVACY_REF_SIZE])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];

    if (p->keep_raw) {
        snprintf(out, PRIVACY_REF_SIZE, "%s", crn);
        return out;
    }
    crypto_auth_hmacsha256_state st = p->keyed;
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)crn, strlen(crn));
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_memzero(&st, sizeof st);
    sodium_bin2hex(out, PRIVACY_REF_SIZE, mac, 16);
    return out;
}

bool privacy_keeps_raw(const struct privacy *p)
{
    return p->keep_raw;
}

const char *privacy_key_path(const struct privacy *p)
{
    return p->key_path;
}
