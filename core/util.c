/* SPDX-License-Identifier: MIT */
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum cc_log_level cc_log_threshold = CC_LOG_WARN;

int cc_fail(struct cc_error *e, int status, const char *fmt, ...)
{
    va_list ap;

    if (e == NULL)
        return status;
    if (e->status != CC_OK)
        return e->status;
    e->status = status;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return status;
}

void cc_error_clear(struct cc_error *e)
{
    e->status = CC_OK;
    e->msg[0] = '\0';
}

void cc_log(enum cc_log_level level, const char *fmt, ...)
{
    static const char *const names[] = { "error", "warning", "info", "debug" };
    va_list ap;

    if (level > cc_log_threshold)
        return;
    fprintf(stderr, "concord: %s: ", names[level]);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (p == NULL) {
        fputs("concord: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (p == NULL) {
        fputs("concord: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (q == NULL) {
        fputs("concord: out of memory\n", stderr);
        abort();
    }
    return q;
}

char *cc_strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strnlen(src, size - 1);

    memcpy(dst, src, n);
    dst[n] = '\0';
    return dst;
}

char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);

    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

void sbuf_init(struct sbuf *b)
{
    b->s = NULL;
    b->len = 0;
    b->cap = 0;
}

void sbuf_free(struct sbuf *b)
{
    free(b->s);
    sbuf_init(b);
}

void sbuf_reset(struct sbuf *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

static void sbuf_reserve(struct sbuf *b, size_t extra)
{
    size_t need = b->len + extra + 1;

    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    b->s = xrealloc(b->s, cap);
    b->cap = cap;
}

void sbuf_addn(struct sbuf *b, const char *s, size_t n)
{
    sbuf_reserve(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void sbuf_adds(struct sbuf *b, const char *s)
{
    sbuf_addn(b, s, strlen(s));
}

void sbuf_addc(struct sbuf *b, char c)
{
    sbuf_addn(b, &c, 1);
}

void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    int n;

    va_start(ap, fmt);
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n > 0) {
        sbuf_reserve(b, (size_t)n);
        vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
}

void sbuf_add_json_string(struct sbuf *b, const char *s)
{
    sbuf_addc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': sbuf_adds(b, "\\\""); break;
        case '\\': sbuf_adds(b, "\\\\"); break;
        case '\n': sbuf_adds(b, "\\n"); break;
        case '\r': sbuf_adds(b, "\\r"); break;
        case '\t': sbuf_adds(b, "\\t"); break;
        default:
            if (*p < 0x20)
                sbuf_printf(b, "\\u%04x", *p);
            else
                sbuf_addc(b, (char)*p);
        }
    }
    sbuf_addc(b, '"');
}

/* FNV-1a: the keys are short and trusted, so a simple hash is enough. */
uint64_t cc_hash64(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 1469598103934665603ULL;

    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

struct strmap_slot {
    char *key;
    size_t len;
    uint64_t hash;
    int64_t value;
};

void strmap_init(struct strmap *m)
{
    m->slots = NULL;
    m->cap = 0;
    m->count = 0;
}

void strmap_free(struct strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].key);
    free(m->slots);
    strmap_init(m);
}

static struct strmap_slot *strmap_find(const struct strmap *m, const char *key, size_t len,
                                       uint64_t h)
{
    size_t mask = m->cap - 1;

    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct strmap_slot *s = &m->slots[i];
        if (s->key == NULL)
            return s;
        if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0)
            return s;
    }
}

bool strmap_get(const struct strmap *m, const char *key, size_t len, int64_t *value)
{
    if (m->cap == 0)
        return false;
    struct strmap_slot *s = strmap_find(m, key, len, cc_hash64(key, len));
    if (s->key == NULL)
        return false;
    *value = s->value;
    return true;
}

static void strmap_grow(struct strmap *m)
{
    struct strmap old = *m;

    m->cap = old.cap ? old.cap * 2 : 64;
    m->slots = xcalloc(m->cap, sizeof *m->slots);
    m->count = 0;
    for (size_t i = 0; i < old.cap; i++) {
        if (old.slots[i].key) {
            struct strmap_slot *s = strmap_find(m, old.slots[i].key, old.slots[i].len,
                                                old.slots[i].hash);
            *s = old.slots[i];
            m->count++;
        }
    }
    free(old.slots);
}

void strmap_put(struct strmap *m, const char *key, size_t len, int64_t value)
{
    if ((m->count + 1) * 4 > m->cap * 3)
        strmap_grow(m);
    uint64_t h = cc_hash64(key, len);
    struct strmap_slot *s = strmap_find(m, key, len, h);
    if (s->key == NULL) {
        s->key = xstrndup(key, len);
        s->len = len;
        s->hash = h;
        m->count++;
    }
    s->value = value;
}

bool strmap_next(const struct strmap *m, size_t *pos, const char **key, int64_t *value)
{
    while (*pos < m->cap) {
        const struct strmap_slot *s = &m->slots[(*pos)++];
        if (s->key) {
            *key = s->key;
            *value = s->value;
            return true;
        }
    }
    return false;
}

void cc_now_iso(char out[21])
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    time_t t = time(NULL);
    struct tm tm;

    if (sde && *sde) {
        char *end;
        long long v = strtoll(sde, &end, 10);
        if (*end == '\0' && v >= 0)
            t = (time_t)v;
    }
    gmtime_r(&t, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

double cc_monotonic(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *cc_basename(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

void cc_hex(char *out, const unsigned char *bin, size_t n)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bin[i] >> 4];
        out[2 * i + 1] = digits[bin[i] & 15];
    }
    out[2 * n] = '\0';
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool cc_unhex(unsigned char *out, size_t n, const char *hex, size_t len)
{
    if (len != 2 * n)
        return false;
    for (size_t i = 0; i < n; i++) {
        int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return true;
}

/*
 * OpenSSL's SHA-256 uses the CPU's SHA extensions where there are some: about
 * ten times libsodium's portable code, and an import hashes its whole file
 * before it starts (93 MB: 0.13 s).
 */
int cc_sha256_file(const char *path, char out[65], long long *bytes, struct cc_error *err)
{
    unsigned char buf[65536], digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    FILE *f = fopen(path, "rb");
    EVP_MD_CTX *h;
    size_t n;
    int ok;

    *bytes = 0;
    if (f == NULL)
        return cc_fail(err, CC_ENOINPUT, "%s: cannot open: %s", path, strerror(errno));
    h = EVP_MD_CTX_new();
    ok = h && EVP_DigestInit_ex(h, EVP_sha256(), NULL) == 1;
    while (ok && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        ok = EVP_DigestUpdate(h, buf, n) == 1;
        *bytes += (long long)n;
    }
    if (ferror(f)) {
        fclose(f);
        EVP_MD_CTX_free(h);
        return cc_fail(err, CC_EIO, "%s: read error: %s", path, strerror(errno));
    }
    fclose(f);
    ok = ok && EVP_DigestFinal_ex(h, digest, &len) == 1 && len == 32;
    EVP_MD_CTX_free(h);
    if (!ok)
        return cc_fail(err, CC_ESOFTWARE, "%s: SHA-256 failed (OpenSSL)", path);
    cc_hex(out, digest, 32);
    return CC_OK;
}

int cc_cmp_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int cc_list_files(const char *dir, const char *suffix, char ***out, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t cap = 0, slen = strlen(suffix);

    *out = NULL;
    *n = 0;
    if (d == NULL)
        return -1;
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (de->d_name[0] == '.' || len <= slen || strcmp(de->d_name + len - slen, suffix) != 0)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        struct sbuf p;
        sbuf_init(&p);
        sbuf_printf(&p, "%s/%s", dir, de->d_name);
        (*out)[(*n)++] = p.s;
    }
    closedir(d);
    if (*n)
        qsort(*out, *n, sizeof **out, cc_cmp_strings);
    return 0;
}

void cc_free_list(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}
