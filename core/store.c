/* SPDX-License-Identifier: MIT */
#include "store.h"

#include <stdlib.h>
#include <string.h>

/*
 * CHECK constraints spell out "x = 'a' OR x = 'b' ..." rather than
 * "x IN ('a', 'b', ...)": SQLite builds a temporary table for every IN list of
 * three or more values on every row inserted, which tripled import time.
 *
 * Each migration moves the schema from version i to i + 1 and runs in the
 * same transaction as the user_version bump, so a failed upgrade leaves the
 * database as it was. Never edit a released migration: add another.
 */
static const char *const migrations[] = {
    /* 1: sources, units, events, assessments, recommendations */
    "CREATE TABLE meta (\n"
    "  key   TEXT PRIMARY KEY,\n"
    "  value TEXT NOT NULL\n"
    ") WITHOUT ROWID;\n"
    "\n"
    "-- One imported file version.\n"
    "CREATE TABLE sources (\n"
    "  id               INTEGER PRIMARY KEY,\n"
    "  plugin           TEXT NOT NULL,\n"
    "  plugin_version   TEXT NOT NULL,\n"
    "  identity_version INTEGER NOT NULL,\n"
    "  body             TEXT NOT NULL,\n"
    "  source_key       TEXT NOT NULL,   -- same plugin + key = versions of one source\n"
    "  path             TEXT NOT NULL,\n"
    "  sha256           TEXT NOT NULL,\n"
    "  bytes            INTEGER NOT NULL,\n"
    "  rows_read        INTEGER NOT NULL DEFAULT 0,\n"
    "  rows_emitted     INTEGER NOT NULL DEFAULT 0, -- rows that gave at least one record\n"
    "  rows_skipped     INTEGER NOT NULL DEFAULT 0,\n"
    "  skipped_reasons  TEXT NOT NULL DEFAULT '{}', -- JSON: reason -> count\n"
    "  records          INTEGER NOT NULL DEFAULT 0, -- records emitted\n"
    "  records_new      INTEGER NOT NULL DEFAULT 0,\n"
    "  records_updated  INTEGER NOT NULL DEFAULT 0,\n"
    "  records_unchanged INTEGER NOT NULL DEFAULT 0,\n"
    "  records_retired  INTEGER NOT NULL DEFAULT 0,\n"
    "  scope            TEXT,            -- JSON as declared by out:scope, NULL = none\n"
    "  imported_at      TEXT NOT NULL,\n"
    "  superseded_by    INTEGER REFERENCES sources(id)\n"
    ");\n"
    "CREATE UNIQUE INDEX sources_content ON sources(plugin, sha256);\n"
    "CREATE INDEX sources_key ON sources(plugin, source_key);\n"
    "\n"
    "-- The register of organisational units.\n"
    "CREATE TABLE units (\n"
    "  id         INTEGER PRIMARY KEY,\n"
    "  code       TEXT NOT NULL UNIQUE,\n"
    "  name       TEXT NOT NULL,\n"
    "  type       TEXT NOT NULL CHECK (type = 'NATIONAL' OR type = 'REGION' OR type = 'PDU' OR type = 'LDU' OR type = 'TEAM' OR type = 'PROVIDER' OR type = 'CRC' OR type = 'NPS_DIVISION'),\n"
    "  parent_id  INTEGER REFERENCES units(id),\n"
    "  valid_from TEXT,\n"
    "  valid_to   TEXT,\n"
    "  origin     TEXT NOT NULL          -- 'register', 'config' or 'source:<id>'\n"
    ");\n"
    "\n"
    "-- A name or code seen for a unit, and how the link was made.\n"
    "CREATE TABLE unit_aliases (\n"
    "  id           INTEGER PRIMARY KEY,\n"
    "  alias        TEXT NOT NULL,\n"
    "  norm         TEXT NOT NULL UNIQUE, -- normalised form used for matching\n"
    "  unit_id      INTEGER NOT NULL REFERENCES units(id),\n"
    "  method       TEXT NOT NULL CHECK (method = 'register' OR method = 'exact' OR method = 'alias' OR method = 'normalised' OR method = 'fuzzy' OR method = 'person' OR method = 'config'),\n"
    "  score        REAL,\n"
    "  confirmed_by TEXT,\n"
    "  confirmed_at TEXT\n"
    ");\n"
    "CREATE INDEX unit_aliases_unit ON unit_aliases(unit_id);\n"
    "\n"
    "-- One act of scrutiny.\n"
    "CREATE TABLE events (\n"
    "  id               INTEGER PRIMARY KEY,\n"
    "  plugin           TEXT NOT NULL,\n"
    "  identity         TEXT NOT NULL,\n"
    "  identity_version INTEGER NOT NULL,\n"
    "  digest           INTEGER NOT NULL, -- hash of the content, to tell updates from repeats\n"
    "  revision         INTEGER NOT NULL DEFAULT 1,\n"
    "  source_id        INTEGER NOT NULL REFERENCES sources(id),\n"
    "  source_row       TEXT NOT NULL,    -- row number, or a JSON pointer\n"
    "  body             TEXT NOT NULL,\n"
    "  kind             TEXT NOT NULL,\n"
    "  unit_id          INTEGER NOT NULL REFERENCES units(id),\n"
    "  started          TEXT NOT NULL,\n"
    "  ended            TEXT NOT NULL,\n"
    "  published        TEXT,\n"
    "  title            TEXT,\n"
    "  reference        TEXT,\n"
    "  cases_sampled    INTEGER,\n"
    "  staff_hours      REAL,\n"
    "  retired_by       INTEGER REFERENCES sources(id),\n"
    "  identity_hash    INTEGER NOT NULL  -- 64-bit hash of plugin and identity\n"
    ");\n"
    "CREATE UNIQUE INDEX events_identity ON events(identity_hash);\n"
    "CREATE INDEX events_unit ON events(unit_id, started);\n"
    "CREATE INDEX events_source ON events(source_id);\n"
    "\n"
    "-- One body's judgement of one thing.\n"
    "CREATE TABLE assessments (\n"
    "  id               INTEGER PRIMARY KEY,\n"
    "  plugin           TEXT NOT NULL,\n"
    "  identity         TEXT NOT NULL,\n"
    "  identity_version INTEGER NOT NULL,\n"
    "  digest           INTEGER NOT NULL,\n"
    "  revision         INTEGER NOT NULL DEFAULT 1,\n"
    "  source_id        INTEGER NOT NULL REFERENCES sources(id),\n"
    "  source_row       TEXT NOT NULL,\n"
    "  event_id         INTEGER NOT NULL REFERENCES events(id),\n"
    "  body             TEXT NOT NULL,\n"
    "  unit_id          INTEGER NOT NULL REFERENCES units(id),\n"
    "  framework        TEXT NOT NULL,\n"
    "  code             TEXT NOT NULL,\n"
    "  strand           TEXT CHECK (strand = 'ENGAGE' OR strand = 'DESIST' OR strand = 'SAFE'),\n"
    "  case_ref         TEXT,\n"
    "  period_start     TEXT NOT NULL,\n"
    "  period_end       TEXT NOT NULL,\n"
    "  observed_at      TEXT NOT NULL,\n"
    "  rating           TEXT,\n"
    "  value            REAL,\n"
    "  target           REAL,\n"
    "  cases_applicable INTEGER,\n"
    "  cases_sufficient INTEGER,\n"
    "  text             TEXT,\n"
    "  retired_by       INTEGER REFERENCES sources(id),\n"
    "  identity_hash    INTEGER NOT NULL\n"
    ");\n"
    "CREATE UNIQUE INDEX assessments_identity ON assessments(identity_hash);\n"
    "CREATE INDEX assessments_event ON assessments(event_id);\n"
    "CREATE INDEX assessments_source ON assessments(source_id);\n"
    "\n"
    "-- One recommendation or action.\n"
    "CREATE TABLE recommendations (\n"
    "  id               INTEGER PRIMARY KEY,\n"
    "  plugin           TEXT NOT NULL,\n"
    "  identity         TEXT NOT NULL,\n"
    "  identity_version INTEGER NOT NULL,\n"
    "  digest           INTEGER NOT NULL,\n"
    "  revision         INTEGER NOT NULL DEFAULT 1,\n"
    "  source_id        INTEGER NOT NULL REFERENCES sources(id),\n"
    "  source_row       TEXT NOT NULL,\n"
    "  event_id         INTEGER NOT NULL REFERENCES events(id),\n"
    "  body             TEXT NOT NULL,\n"
    "  unit_id          INTEGER NOT NULL REFERENCES units(id),\n"
    "  framework        TEXT,\n"
    "  code             TEXT,\n"
    "  text             TEXT NOT NULL,\n"
    "  owner            TEXT,\n"
    "  due              TEXT,\n"
    "  status           TEXT NOT NULL CHECK (status = 'OPEN' OR status = 'IN_PROGRESS' OR status = 'IMPLEMENTED' OR status = 'REJECTED' OR status = 'OVERDUE'),\n"
    "  status_date      TEXT,\n"
    "  retired_by       INTEGER REFERENCES sources(id),\n"
    "  identity_hash    INTEGER NOT NULL\n"
    ");\n"
    "CREATE UNIQUE INDEX recommendations_identity ON recommendations(identity_hash);\n"
    "CREATE INDEX recommendations_event ON recommendations(event_id);\n"
    "CREATE INDEX recommendations_source ON recommendations(source_id);\n",

    /* 2: normalisation: taxonomy and crosswalks, bands, case-level answers and
     * their aggregates, how units were resolved, names that did not resolve */
    "CREATE TABLE areas (\n"
    "  code        TEXT PRIMARY KEY,\n"
    "  label       TEXT,\n"
    "  description TEXT\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE frameworks (\n"
    "  framework TEXT PRIMARY KEY,\n"
    "  body      TEXT NOT NULL,\n"
    "  title     TEXT,\n"
    "  source    TEXT,\n"
    "  file      TEXT\n"
    ") WITHOUT ROWID;\n"
    "-- Each framework code and the question it asks, in plain words.\n"
    "CREATE TABLE framework_codes (\n"
    "  framework TEXT NOT NULL,\n"
    "  code      TEXT NOT NULL,\n"
    "  label     TEXT,\n"
    "  question  TEXT NOT NULL,\n"
    "  strand    TEXT,\n"
    "  direction TEXT,              -- 'lower' where lower values are better\n"
    "  PRIMARY KEY (framework, code)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE framework_aliases (\n"
    "  framework TEXT NOT NULL,\n"
    "  alias     TEXT NOT NULL,\n"
    "  code      TEXT NOT NULL,\n"
    "  PRIMARY KEY (framework, alias)\n"
    ") WITHOUT ROWID;\n"
    "-- Many-to-many: framework code -> area, with the claim's dimension.\n"
    "CREATE TABLE crosswalk (\n"
    "  framework    TEXT NOT NULL,\n"
    "  code         TEXT NOT NULL,\n"
    "  area         TEXT NOT NULL,\n"
    "  dimension    TEXT NOT NULL,\n"
    "  relationship TEXT NOT NULL CHECK (relationship = 'equal' OR relationship = 'subset' OR relationship = 'superset' OR relationship = 'intersects'),\n"
    "  PRIMARY KEY (framework, code, area, dimension)\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX crosswalk_area ON crosswalk(area, dimension);\n"
    "\n"
    "ALTER TABLE assessments ADD COLUMN level TEXT NOT NULL DEFAULT 'UNIT'\n"
    "  CHECK (level = 'CASE' OR level = 'UNIT');\n"
    "ALTER TABLE assessments ADD COLUMN band INTEGER CHECK (band BETWEEN 1 AND 4);\n"
    "ALTER TABLE assessments ADD COLUMN band_basis TEXT;   -- how the band was reached\n"
    "ALTER TABLE assessments ADD COLUMN answer TEXT\n"
    "  CHECK (answer = 'sufficient' OR answer = 'insufficient' OR answer = 'not applicable');\n"
    "ALTER TABLE assessments ADD COLUMN code_given TEXT;   -- the code as the source wrote it\n"
    "ALTER TABLE assessments ADD COLUMN unmapped INTEGER NOT NULL DEFAULT 0;\n"
    "ALTER TABLE assessments ADD COLUMN derived INTEGER NOT NULL DEFAULT 0; -- aggregate of case answers\n"
    "ALTER TABLE assessments ADD COLUMN unit_via TEXT;     -- how the unit name was resolved\n"
    "ALTER TABLE events ADD COLUMN unit_via TEXT;\n"
    "ALTER TABLE recommendations ADD COLUMN unit_via TEXT;\n"
    "ALTER TABLE sources ADD COLUMN records_unmapped INTEGER NOT NULL DEFAULT 0;\n"
    "\n"
    "-- Links between eras: CRC or NPS division -> region or PDU.\n"
    "CREATE TABLE unit_crosswalk (\n"
    "  from_unit    INTEGER NOT NULL REFERENCES units(id),\n"
    "  to_unit      INTEGER NOT NULL REFERENCES units(id),\n"
    "  relationship TEXT NOT NULL,\n"
    "  note         TEXT,\n"
    "  PRIMARY KEY (from_unit, to_unit)\n"
    ") WITHOUT ROWID;\n"
    "-- Unit names an import could not resolve, with the best candidates, so that\n"
    "-- people can confirm one (concord units alias NAME CODE).\n"
    "CREATE TABLE unresolved_units (\n"
    "  name       TEXT PRIMARY KEY,\n"
    "  first_seen TEXT NOT NULL,\n"
    "  last_seen  TEXT NOT NULL,\n"
    "  times      INTEGER NOT NULL DEFAULT 1,\n"
    "  last_file  TEXT,\n"
    "  candidates TEXT               -- JSON: [{code, name, score}]\n"
    ") WITHOUT ROWID;\n"
    "\n"
    "-- Every unit-level judgement with its areas: what the reconciler compares.\n"
    "CREATE VIEW judgements AS\n"
    "  SELECT a.id AS assessment_id, a.event_id, a.body, a.unit_id, x.area, x.dimension,\n"
    "         x.relationship, COALESCE(a.strand, fc.strand) AS strand, a.framework, a.code,\n"
    "         fc.question, a.period_start, a.period_end, a.observed_at, a.band, a.band_basis,\n"
    "         a.rating, a.value, a.target, a.cases_applicable, a.cases_sufficient, a.derived\n"
    "  FROM assessments a\n"
    "  JOIN crosswalk x ON x.framework = a.framework AND x.code = a.code\n"
    "  LEFT JOIN framework_codes fc ON fc.framework = a.framework AND fc.code = a.code\n"
    "  WHERE a.level = 'UNIT' AND a.band IS NOT NULL AND a.retired_by IS NULL;\n",

    /* 3: reconciliation: runs, flags and their members, people's decisions */
    "-- One reconciliation run.\n"
    "CREATE TABLE runs (\n"
    "  id            INTEGER PRIMARY KEY,\n"
    "  trigger       TEXT NOT NULL,           -- cli, run, schedule, inbox\n"
    "  started_at    TEXT NOT NULL,\n"
    "  finished_at   TEXT,\n"
    "  seconds       REAL,\n"
    "  inputs_digest TEXT NOT NULL,           -- sources, crosswalks and settings it read\n"
    "  found         INTEGER NOT NULL DEFAULT 0,\n"
    "  new_flags     INTEGER NOT NULL DEFAULT 0,\n"
    "  open_flags    INTEGER NOT NULL DEFAULT 0,\n"
    "  resolved_flags INTEGER NOT NULL DEFAULT 0,\n"
    "  counts        TEXT NOT NULL DEFAULT '{}' -- JSON: by kind and by status\n"
    ");\n"
    "-- One finding of the reconciler, tracked across runs by its fingerprint.\n"
    "CREATE TABLE flags (\n"
    "  id             INTEGER PRIMARY KEY,\n"
    "  fingerprint    TEXT NOT NULL UNIQUE,  -- hash of the rule and its members' identities\n"
    "  rule           TEXT NOT NULL,\n"
    "  kind           TEXT NOT NULL,\n"
    "  severity       TEXT NOT NULL CHECK (severity = 'low' OR severity = 'medium' OR severity = 'high'),\n"
    "  unit_id        INTEGER REFERENCES units(id),\n"
    "  area           TEXT,\n"
    "  period_start   TEXT,\n"
    "  period_end     TEXT,\n"
    "  bodies         TEXT NOT NULL,\n"
    "  members        TEXT NOT NULL,         -- JSON: [{type, id, identity}]\n"
    "  members_digest TEXT NOT NULL,         -- changes when a member's content changes\n"
    "  explanation    TEXT NOT NULL,\n"
    "  status         TEXT NOT NULL CHECK (status = 'new' OR status = 'open' OR status = 'resolved'),\n"
    "  first_run      INTEGER NOT NULL REFERENCES runs(id),\n"
    "  last_run       INTEGER NOT NULL REFERENCES runs(id),\n"
    "  resolved_run   INTEGER REFERENCES runs(id)\n"
    ");\n"
    "CREATE INDEX flags_unit ON flags(unit_id);\n"
    "CREATE TABLE flag_members (\n"
    "  flag_id     INTEGER NOT NULL REFERENCES flags(id) ON DELETE CASCADE,\n"
    "  member_type TEXT NOT NULL,            -- assessment, event, recommendation\n"
    "  member_id   INTEGER NOT NULL,\n"
    "  PRIMARY KEY (flag_id, member_type, member_id)\n"
    ") WITHOUT ROWID;\n"
    "-- A person's decision on a flag; it holds while the members are as they were.\n"
    "CREATE TABLE flag_decisions (\n"
    "  id             INTEGER PRIMARY KEY,\n"
    "  fingerprint    TEXT NOT NULL,\n"
    "  decision       TEXT NOT NULL CHECK (decision = 'ack' OR decision = 'dismiss'),\n"
    "  decided_by     TEXT NOT NULL,\n"
    "  decided_at     TEXT NOT NULL,\n"
    "  reason         TEXT NOT NULL,\n"
    "  members_digest TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX flag_decisions_fingerprint ON flag_decisions(fingerprint);\n",

    /* 4: case-level answers in a narrow table of their own */
    "-- One answer about one case: a question of an audit or inspection asked of one\n"
    "-- case's file. These are the bulk of the store (an OSAG export can hold a million),\n"
    "-- so they are kept narrow and indexed by event: the plugin, body and level are the\n"
    "-- event's and the source's, and the identity is unique within its event (the one\n"
    "-- index: a file's answers fill it in order; retirement finds them through events). Their\n"
    "-- unit-level aggregates (derived = 1) are ordinary rows of assessments.\n"
    "CREATE TABLE case_answers (\n"
    "  id               INTEGER PRIMARY KEY,\n"
    "  identity         TEXT NOT NULL,   -- the plugin's key, case references pseudonymised\n"
    "  identity_version INTEGER NOT NULL,\n"
    "  identity_hash    INTEGER NOT NULL,\n"
    "  digest           INTEGER NOT NULL,\n"
    "  revision         INTEGER NOT NULL DEFAULT 1,\n"
    "  source_id        INTEGER NOT NULL REFERENCES sources(id),\n"
    "  source_row       TEXT NOT NULL,\n"
    "  event_id         INTEGER NOT NULL REFERENCES events(id),\n"
    "  unit_id          INTEGER NOT NULL REFERENCES units(id),\n"
    "  case_ref         TEXT NOT NULL,   -- pseudonym (HMAC of the CRN)\n"
    "  framework        TEXT NOT NULL,\n"
    "  code             TEXT NOT NULL,\n"
    "  code_given       TEXT,            -- the code as the source wrote it, when it differs\n"
    "  unmapped         INTEGER NOT NULL DEFAULT 0,\n"
    "  strand           TEXT CHECK (strand = 'ENGAGE' OR strand = 'DESIST' OR strand = 'SAFE'),\n"
    "  period_start     TEXT NOT NULL,\n"
    "  period_end       TEXT NOT NULL,\n"
    "  observed_at      TEXT NOT NULL,\n"
    "  rating           TEXT,            -- the answer as given (Y, No, partially...)\n"
    "  answer           TEXT\n"
    "    CHECK (answer = 'sufficient' OR answer = 'insufficient' OR answer = 'not applicable'),\n"
    "  text             TEXT,\n"
    "  unit_via         TEXT,\n"
    "  retired_by       INTEGER REFERENCES sources(id)\n"
    ");\n"
    "CREATE UNIQUE INDEX case_answers_identity ON case_answers(event_id, identity_hash);\n"

    "INSERT INTO case_answers(id, identity, identity_version, identity_hash, digest, revision,\n"
    "    source_id, source_row, event_id, unit_id, case_ref, framework, code, code_given,\n"
    "    unmapped, strand, period_start, period_end, observed_at, rating, answer, text,\n"
    "    unit_via, retired_by)\n"
    "  SELECT id, identity, identity_version, identity_hash, digest, revision, source_id,\n"
    "    source_row, event_id, unit_id, case_ref, framework, code, code_given, unmapped,\n"
    "    strand, period_start, period_end, observed_at, rating, answer, text, unit_via,\n"
    "    retired_by\n"
    "  FROM assessments WHERE level = 'CASE';\n"
    "DELETE FROM assessments WHERE level = 'CASE';\n",

    /* 5: a case answer no longer repeats what its event says */
    "-- What a case answer would only repeat from its event is NULL: its identity when it\n"
    "-- is the usual <event identity>|case:<case_ref>|<code as given>, and its dates when\n"
    "-- the source gave none of its own (they are then the event's: period_start = started,\n"
    "-- period_end and observed_at = ended). A third of each row went to those copies;\n"
    "-- case_answers_resolved shows every answer with them filled in.\n"
    "CREATE TABLE case_answers_v5 (\n"
    "  id               INTEGER PRIMARY KEY,\n"
    "  identity         TEXT,            -- the plugin's key (pseudonymised); NULL: the usual\n"
    "  identity_version INTEGER NOT NULL,\n"
    "  identity_hash    INTEGER NOT NULL,\n"
    "  digest           INTEGER NOT NULL,\n"
    "  revision         INTEGER NOT NULL DEFAULT 1,\n"
    "  source_id        INTEGER NOT NULL REFERENCES sources(id),\n"
    "  source_row       TEXT NOT NULL,\n"
    "  event_id         INTEGER NOT NULL REFERENCES events(id),\n"
    "  unit_id          INTEGER NOT NULL REFERENCES units(id),\n"
    "  case_ref         TEXT NOT NULL,   -- pseudonym (HMAC of the CRN)\n"
    "  framework        TEXT NOT NULL,\n"
    "  code             TEXT NOT NULL,\n"
    "  code_given       TEXT,            -- the code as the source wrote it, when it differs\n"
    "  unmapped         INTEGER NOT NULL DEFAULT 0,\n"
    "  strand           TEXT CHECK (strand = 'ENGAGE' OR strand = 'DESIST' OR strand = 'SAFE'),\n"
    "  period_start     TEXT,            -- NULL: the event's started\n"
    "  period_end       TEXT,            -- NULL: the event's ended\n"
    "  observed_at      TEXT,            -- NULL: the event's ended\n"
    "  rating           TEXT,            -- the answer as given (Y, No, partially...)\n"
    "  answer           TEXT\n"
    "    CHECK (answer = 'sufficient' OR answer = 'insufficient' OR answer = 'not applicable'),\n"
    "  text             TEXT,\n"
    "  unit_via         TEXT,\n"
    "  retired_by       INTEGER REFERENCES sources(id)\n"
    ");\n"
    "-- The index first: filled row by row in id order, not sorted in memory afterwards.\n"
    "DROP INDEX case_answers_identity;\n"
    "CREATE UNIQUE INDEX case_answers_identity ON case_answers_v5(event_id, identity_hash);\n"
    "INSERT INTO case_answers_v5(id, identity, identity_version, identity_hash, digest,\n"
    "    revision, source_id, source_row, event_id, unit_id, case_ref, framework, code,\n"
    "    code_given, unmapped, strand, period_start, period_end, observed_at, rating, answer,\n"
    "    text, unit_via, retired_by)\n"
    "  SELECT a.id, CASE WHEN a.identity = e.identity || '|case:' || a.case_ref || '|' ||\n"
    "      COALESCE(a.code_given, a.code) THEN NULL ELSE a.identity END,\n"
    "    a.identity_version, a.identity_hash, a.digest, a.revision, a.source_id, a.source_row,\n"
    "    a.event_id, a.unit_id, a.case_ref, a.framework, a.code, a.code_given, a.unmapped,\n"
    "    a.strand, a.period_start, a.period_end, a.observed_at, a.rating, a.answer, a.text,\n"
    "    a.unit_via, a.retired_by\n"
    "  FROM case_answers a LEFT JOIN events e ON e.id = a.event_id;\n"
    "DROP TABLE case_answers;\n"
    "ALTER TABLE case_answers_v5 RENAME TO case_answers;\n"
    "CREATE VIEW case_answers_resolved AS\n"
    "  SELECT a.id,\n"
    "    COALESCE(a.identity, e.identity || '|case:' || a.case_ref || '|' ||\n"
    "      COALESCE(a.code_given, a.code)) AS identity,\n"
    "    a.identity_version, a.identity_hash, a.digest, a.revision, a.source_id, a.source_row,\n"
    "    a.event_id, a.unit_id, a.case_ref, a.framework, a.code, a.code_given, a.unmapped,\n"
    "    a.strand, COALESCE(a.period_start, e.started) AS period_start,\n"
    "    COALESCE(a.period_end, e.ended) AS period_end,\n"
    "    COALESCE(a.observed_at, e.ended) AS observed_at, a.rating, a.answer, a.text,\n"
    "    a.unit_via, a.retired_by\n"
    "  FROM case_answers a JOIN events e ON e.id = a.event_id;\n",
};

#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int store_schema_version(void)
{
    return N_MIGRATIONS;
}

void store_print_schema(FILE *out)
{
    fprintf(out, "-- Concord schema, version %d\n", N_MIGRATIONS);
    for (int i = 0; i < N_MIGRATIONS; i++)
        fprintf(out, "\n-- migration %d\n%s", i + 1, migrations[i]);
}

int store_exec(struct store *s, const char *sql, struct cc_error *err)
{
    char *msg = NULL;

    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int busy = sqlite3_errcode(s->db) == SQLITE_BUSY;
        cc_fail(err, busy ? CC_EBUSY : CC_EIO, "%s: %s", s->path, msg ? msg : "unknown error");
        sqlite3_free(msg);
        return err ? err->status : CC_EIO;
    }
    return CC_OK;
}

int store_prepare(struct store *s, sqlite3_stmt **stmt, const char *sql, struct cc_error *err)
{
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL) != SQLITE_OK)
        return cc_fail(err, CC_ESOFTWARE, "%s: preparing statement: %s", s->path,
                       sqlite3_errmsg(s->db));
    return CC_OK;
}

static int user_version(struct store *s)
{
    sqlite3_stmt *st;
    int v = -1;

    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int migrate_steps(struct store *s, int v, struct cc_error *err);

static int migrate(struct store *s, struct cc_error *err)
{
    int v = user_version(s);

    if (v < 0)
        return cc_fail(err, CC_EIO, "%s: not a Concord database (%s)", s->path,
                       sqlite3_errmsg(s->db));
    if (v > N_MIGRATIONS)
        return cc_fail(err, CC_EDATA,
                       "%s: schema version %d is newer than this concord (%d); upgrade concord",
                       s->path, v, N_MIGRATIONS);
    if (v == N_MIGRATIONS)
        return CC_OK;
    /* A file with tables but no user_version is someone else's database. */
    if (v == 0) {
        sqlite3_stmt *st;
        int tables = 0;
        if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_schema", -1, &st, NULL) ==
            SQLITE_OK) {
            if (sqlite3_step(st) == SQLITE_ROW)
                tables = sqlite3_column_int(st, 0);
            sqlite3_finalize(st);
        }
        if (tables > 0)
            return cc_fail(err, CC_EDATA, "%s: has tables but is not a Concord database",
                           s->path);
    }
    /* A migration may drop a large table, and SQLite keeps a dropping statement's
     * journal in temp storage: in memory that was 300 MB for a million case answers
     * (schema 5), in a file 20 MB. Memory again for what follows. */
    store_exec(s, "PRAGMA temp_store = FILE", NULL);
    int rc = migrate_steps(s, v, err);
    store_exec(s, "PRAGMA temp_store = MEMORY", NULL);
    return rc;
}

static int migrate_steps(struct store *s, int v, struct cc_error *err)
{
    int rc = store_begin_write(s, 5, err);
    if (rc)
        return rc;
    for (int i = v; i < N_MIGRATIONS; i++) {
        char bump[64];
        rc = store_exec(s, migrations[i], err);
        if (rc == CC_OK) {
            snprintf(bump, sizeof bump, "PRAGMA user_version = %d", i + 1);
            rc = store_exec(s, bump, err);
        }
        if (rc) {
            store_rollback(s);
            return rc;
        }
    }
    return store_commit(s, err);
}

int store_open(struct store **out, const char *path, bool create, struct cc_error *err)
{
    struct store *s = xcalloc(1, sizeof *s);
    /* One connection per thread: SQLite's own mutexes would only cost time. */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int rc;

    *out = NULL;
    s->path = xstrdup(path);
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
        rc = cc_fail(err, create ? CC_EIO : CC_ENOINPUT, "%s: cannot open database: %s%s", path,
                     s->db ? sqlite3_errmsg(s->db) : "out of memory",
                     create ? "" : " (run 'concord init' or import something first)");
        store_close(s);
        return rc;
    }
    sqlite3_extended_result_codes(s->db, 0);
    /* Another process may be checkpointing as we open: wait for it, briefly. */
    sqlite3_busy_timeout(s->db, 5000);
    /* WAL lets readers (reports, the CLI) run while the one writer imports.
     * A new database gets 16 KiB pages (set before WAL, a no-op on an existing
     * one): a large import writes its pages twice (WAL, then checkpoint), and
     * fewer, larger pages cut the system calls of both by four. */
    rc = store_exec(s, "PRAGMA page_size = 16384;"
                       "PRAGMA journal_mode = WAL;"
                       "PRAGMA synchronous = NORMAL;"
                       "PRAGMA foreign_keys = ON;"
                       "PRAGMA cache_size = -16384;"
                       "PRAGMA temp_store = MEMORY;",
                    err);
    if (rc == CC_OK)
        rc = migrate(s, err);
    if (rc) {
        store_close(s);
        return rc;
    }
    *out = s;
    return CC_OK;
}

void store_close(struct store *s)
{
    if (s == NULL)
        return;
    if (s->in_write)
        store_rollback(s);
    sqlite3_close_v2(s->db);
    free(s->path);
    free(s);
}

int store_begin_write(struct store *s, int wait_seconds, struct cc_error *err)
{
    int rc;

    sqlite3_busy_timeout(s->db, wait_seconds > 0 ? wait_seconds * 1000 : 0);
    rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return cc_fail(err, CC_EBUSY,
                       "%s: another process is writing to this database "
                       "(waited %d s); try again later or pass --wait SECONDS",
                       s->path, wait_seconds > 0 ? wait_seconds : 0);
    if (rc != SQLITE_OK)
        return cc_fail(err, CC_EIO, "%s: cannot start a transaction: %s", s->path,
                       sqlite3_errmsg(s->db));
    s->in_write = true;
    return CC_OK;
}

int store_commit(struct store *s, struct cc_error *err)
{
    int rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);

    if (rc != SQLITE_OK) {
        int status = cc_fail(err, rc == SQLITE_BUSY ? CC_EBUSY : CC_EIO, "%s: commit failed: %s",
                             s->path, sqlite3_errmsg(s->db));
        store_rollback(s);
        return status;
    }
    s->in_write = false;
    return CC_OK;
}

void store_rollback(struct store *s)
{
    if (sqlite3_get_autocommit(s->db) == 0)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_write = false;
}

int store_meta_get(struct store *s, const char *key, char *out, size_t outlen)
{
    sqlite3_stmt *st;
    int found = 0;

    if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(out, outlen, "%s", (const char *)sqlite3_column_text(st, 0));
        found = 1;
    }
    sqlite3_finalize(st);
    return found;
}

int store_meta_set(struct store *s, const char *key, const char *value, struct cc_error *err)
{
    sqlite3_stmt *st;
    int rc;

    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO meta(key, value) VALUES (?, ?) "
                           "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           -1, &st, NULL) != SQLITE_OK)
        return cc_fail(err, CC_EIO, "%s: %s", s->path, sqlite3_errmsg(s->db));
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    rc = sqlite3_step(st) == SQLITE_DONE ? CC_OK
                                         : cc_fail(err, CC_EIO, "%s: %s", s->path,
                                                   sqlite3_errmsg(s->db));
    sqlite3_finalize(st);
    return rc;
}
