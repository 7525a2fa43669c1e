-- concord.lua: an example configuration for Concord.
--
-- Copy it to the folder you run Concord from (or point --config or
-- $CONCORD_CONFIG at it), delete what you do not need, and run
--
--     concord config check concord.lua
--
-- Every setting has a default, so an empty file (or no file) works too.
-- `concord config show` prints the effective configuration with every
-- default filled in; docs/configuration.md describes every setting.
--
-- The file is Lua, but data only: assign settings at the top level
-- (name = value). It cannot call functions or read anything but settings it
-- has already assigned, and local variables. Relative paths are relative to
-- the folder this file is in.

-- The SQLite database. --db and $CONCORD_DB take precedence.
database = "concord.db"

-- Your own plugins, crosswalks and unit registers (each folder as
-- --plugin-dir: plugins/*.lua, crosswalks/*.lua, register/units.lua),
-- loaded after the built-in ones; a later folder wins.
plugin_dirs = { "my-plugins" }

-- Your own reconciliation rules, written in Lua.
rule_dirs = {}

privacy = {
  -- Case references (CRNs) are stored as keyed pseudonyms. Set this only for
  -- data that is already pseudonymous.
  keep_raw_case_refs = false,
  -- The secret key for the pseudonyms. Unset: the database's path + ".key".
  -- Keep it with the database: without it, new imports cannot be matched to
  -- the cases already held.
  -- key_file = "/var/lib/concord/concord.key",
}

units = {
  -- Link a unit name no register knows to its best fuzzy proposal when it
  -- scores at least this much (0 to 1). 0 = never: a person confirms names
  -- with `concord units alias`.
  accept_fuzzy = 0,
}

-- Rating scales: overrides of plugins/register/scales.lua, in its shape.
-- For example, the PDU-2021 overall score (0-27) has no default bands yet:
scales = {
  scales = {
    { name = "pdu-overall-2021", kind = "thresholds", unit = "points", max = 27,
      thresholds = { 23, 14, 5 } },
  },
}

-- Thresholds of the rules. Every rule takes enabled, severity ("low",
-- "medium" or "high": unset, the rule chooses) and, where it has a window,
-- window_days. docs/reconcile.md says when each rule fires.
-- Only what differs from the defaults needs to be here: the other settings
-- of a rule keep their defaults.
local half_year = 183

rules = {
  CONTRADICTION = {
    window_days = half_year, -- compare judgements up to six months apart
    min_gap = 2,             -- bands apart: Good (3) against Inadequate (1)
    high_gap = 3,
  },
  DIVERGENCE = { process_min_band = 3, quality_max_band = 1 },
  DISCONNECT = { enabled = true },
  DUPLICATE_CASE = { window_days = 90 },
  REPEATED_SCRUTINY = { window_days = 180, max_gap = 1 },
  OVERLOAD = {
    window_days = 90,
    min_events = 5,
    min_hours = 300,
    exclude_kinds = { "CONTRACT_RETURN" }, -- returns are routine, not scrutiny
  },
  INTENSIFICATION = {
    follow_days = half_year,
    min_events = 3,
    trigger_kinds = { "INSPECTION", "THEMATIC" },
  },
  DUPLICATE_RECOMMENDATION = { min_similarity = 0.5 },
  -- A rule written in Lua (plugins/rules/, or your rule_dirs), under its id:
  -- enabled and severity as above, and its own settings.
  STALLED_RECOMMENDATION = { days = 180, undated_days = 365, severity = "medium" },
  -- Also compare a PDU's judgements with its region's.
  compare_parent_child = false,
}

-- Staff hours a provider spends on each kind of scrutiny: per event, and per
-- case sampled. These are OUR ASSUMPTIONS, not measured figures: set them
-- from your own records. Kinds left out keep their defaults.
cost_model = {
  INSPECTION = { base_hours = 60, per_case = 3 },
  AUDIT = { base_hours = 16, per_case = 1.5 },
  QA_AUDIT = { base_hours = 4, per_case = 1 },
}

-- Folders `concord daemon` watches. A file dropped in is imported once it
-- has not changed for settle_seconds, then moved to processed/ (or to
-- failed/, with the reason beside it). plugin skips detection.
inboxes = {
  { path = "inbox/hmip", plugin = "hmip" },
  { path = "inbox/other", processed = "done", failed = "rejected", settle_seconds = 5 },
}

-- When the daemon runs jobs: cron "MINUTE HOUR DAY MONTH WEEKDAY", in time_zone.
schedules = {
  { name = "weekly", cron = "0 6 * * 1", jobs = { "import", "reconcile", "report" } },
  { name = "nightly-import", cron = "30 1 * * *", jobs = "import" },
}

-- Unset: the system's time zone.
time_zone = "Europe/London"

reports = {
  folder = "reports",
  formats = { "html", "json" },
  keep = 10, -- of each format; 0 keeps them all
}

log = {
  level = "info",    -- "error", "warn", "info" or "debug"
  format = "plain",  -- or "json", one object per line
}
