#!/usr/bin/env lua5.4
-- Standalone checker for Concord's normalisation data (unit register, taxonomy, crosswalks,
-- rating scales). Usage:
--
--   lua5.4 tests/data/check_register.lua /work/main/plugins
--
-- Prints TAP ("ok N - ...", "not ok N - ...", then "1..N"); a failing check lists its
-- problems as "#" lines under it. Exit status 0 when every check passes, 1 otherwise, 2 on
-- bad usage. Lines starting "# note:" are advice only (e.g. a field the checker does not
-- know) and never fail the run.
--
-- Every data file is loaded as text with an EMPTY environment and the string methods
-- switched off, under an instruction budget: a data file cannot call anything, so a file
-- that tries (print, os.*, ("x"):rep(...)) fails here the same way it would in the sandbox.

local root = arg[1]
if not root or root == "-h" or root == "--help" then
  io.stderr:write("usage: lua5.4 tests/data/check_register.lua PLUGINS_DIR\n")
  os.exit(2)
end
root = root:gsub("/+$", "")

---------------------------------------------------------------------------------------------
-- TAP
---------------------------------------------------------------------------------------------
local test_no, failures = 0, 0
local MAX_LINES = 40

local function tap(name, problems)
  test_no = test_no + 1
  if #problems == 0 then
    print(("ok %d - %s"):format(test_no, name))
  else
    failures = failures + 1
    print(("not ok %d - %s"):format(test_no, name))
    for i, p in ipairs(problems) do
      if i > MAX_LINES then
        print(("#   ... and %d more"):format(#problems - MAX_LINES))
        break
      end
      print("#   " .. p)
    end
  end
end

local function note(msg) print("# note: " .. msg) end

---------------------------------------------------------------------------------------------
-- helpers
---------------------------------------------------------------------------------------------
local function nonempty(s) return type(s) == "string" and s:match("%S") ~= nil end

-- the key used for "same name" comparisons: case-insensitive, white space trimmed and collapsed
local function norm(s) return (s:lower():gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")) end

local function set(list)
  local s = {}
  for _, v in ipairs(list) do s[v] = true end
  return s
end

local function sorted_keys(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = k end
  table.sort(ks, function(a, b) return tostring(a) < tostring(b) end)
  return ks
end

local function is_leap(y) return (y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0 end
local MDAYS = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }

-- a real calendar date written YYYY-MM-DD
local function iso_date(s)
  if type(s) ~= "string" then return false end
  local y, m, d = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if not y then return false end
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if m < 1 or m > 12 or d < 1 then return false end
  local max = MDAYS[m] + ((m == 2 and is_leap(y)) and 1 or 0)
  return d <= max
end

-- unknown fields are reported as notes, not failures (other helpers may add fields)
local function known_fields(what, t, allowed, where)
  for _, k in ipairs(sorted_keys(t)) do
    if type(k) ~= "string" or not allowed[k] then
      note(("%s: %s has an unknown field %q"):format(where, what, tostring(k)))
    end
  end
end

---------------------------------------------------------------------------------------------
-- loading data files
---------------------------------------------------------------------------------------------
local INSTRUCTION_BUDGET = 50000000

-- walk a loaded value: only strings, numbers, booleans and tables; no cycles
local function data_problems(v, path, seen, out)
  local tv = type(v)
  if tv == "table" then
    if seen[v] then out[#out + 1] = path .. ": table appears twice (cycle or shared table)"; return end
    seen[v] = true
    for k, x in pairs(v) do
      local tk = type(k)
      if tk ~= "string" and not (tk == "number" and math.type(k) == "integer") then
        out[#out + 1] = path .. ": key of type " .. tk
      end
      data_problems(x, path .. "." .. tostring(k), seen, out)
    end
  elseif tv ~= "string" and tv ~= "number" and tv ~= "boolean" then
    out[#out + 1] = path .. ": value of type " .. tv .. " (data files hold data only)"
  end
end

local function load_data(path)
  local f, err = io.open(path, "rb")
  if not f then return nil, err end
  local text = f:read("a")
  f:close()
  local chunk, lerr = load(text, "@" .. path, "t", {})
  if not chunk then return nil, lerr end
  -- no string methods while the chunk runs: ("x"):rep(1e9) must fail as any other call does
  local smt = getmetatable("")
  local saved_index = smt.__index
  smt.__index = nil
  debug.sethook(function() error("instruction budget exceeded", 2) end, "", INSTRUCTION_BUDGET)
  local ok, res = pcall(chunk)
  debug.sethook()
  smt.__index = saved_index
  if not ok then return nil, tostring(res) end
  if type(res) ~= "table" then return nil, "the file returns " .. type(res) .. ", not a table" end
  local probs = {}
  data_problems(res, "return", {}, probs)
  if #probs > 0 then return nil, table.concat(probs, "; ") end
  return res
end

local function exists(path)
  local f = io.open(path, "rb")
  if f then f:close() return true end
  return false
end

local files = {
  taxonomy = "register/taxonomy.lua",
  units = "register/units.lua",
  scales = "register/scales.lua",
}
local crosswalk_files = {
  { path = "crosswalks/hmip-2018.lua", required = true },
  { path = "crosswalks/hmip-pdu-2021.lua", required = true },
  { path = "crosswalks/hmip-2023.lua", required = true },
  { path = "crosswalks/contract-crc.lua", required = true },
  { path = "crosswalks/contract-nps.lua", required = true },
  { path = "crosswalks/contract-ps.lua", required = true },
  { path = "crosswalks/osag-2019.lua", required = false },
  { path = "crosswalks/iqa-1.lua", required = false },
}

local data = {}
for _, key in ipairs({ "taxonomy", "units", "scales" }) do
  local rel = files[key]
  local t, err = load_data(root .. "/" .. rel)
  tap(rel .. " loads as data (empty environment, text only)", t and {} or { err })
  data[key] = t
end
local crosswalks = {}
for _, cf in ipairs(crosswalk_files) do
  local full = root .. "/" .. cf.path
  if cf.required or exists(full) then
    local t, err = load_data(full)
    tap(cf.path .. " loads as data (empty environment, text only)", t and {} or { err })
    if t then crosswalks[#crosswalks + 1] = { path = cf.path, t = t } end
  else
    note(cf.path .. " is not present (optional)")
  end
end

---------------------------------------------------------------------------------------------
-- taxonomy
---------------------------------------------------------------------------------------------
local EXPECTED_AREAS = { "ORG.LEAD", "ORG.STAFF", "ORG.SERVICES", "ORG.INFO", "CS.ASSESS", "CS.PLAN",
  "CS.IMPL", "CS.REVIEW", "CS.OVERSIGHT", "SPEC.COURT", "SPEC.VICTIM", "SPEC.UPW", "SPEC.RESETTLE", "OUTCOME" }
local EXPECTED_DIMENSIONS = { "QUALITY", "TIMELINESS", "COMPLIANCE", "OUTCOME", "CAPACITY" }
local EXPECTED_STRANDS = { "ENGAGE", "DESIST", "SAFE" }
local EXPECTED_RELATIONSHIPS = { "equal", "subset", "superset", "intersects" }

local AREAS, DIMENSIONS, STRANDS, RELATIONSHIPS, LEVELS = {}, {}, {}, {}, {}
-- without a taxonomy every area, dimension, strand and relationship would fail: check them
-- only when it loaded (its own load failure already fails the run)
local have_taxonomy = data.taxonomy ~= nil
if not have_taxonomy then
  note("the taxonomy did not load: area, dimension, strand and relationship checks are skipped")
end

local function vocabulary(tax, field, expected, into, need_description)
  local probs = {}
  local list = tax[field]
  if type(list) ~= "table" or #list == 0 then
    return { field .. " is missing or empty" }
  end
  for i, e in ipairs(list) do
    if type(e) ~= "table" or not nonempty(e.code) then
      probs[#probs + 1] = ("%s[%d] has no code"):format(field, i)
    else
      if into[e.code] then probs[#probs + 1] = ("%s: duplicate code %s"):format(field, e.code) end
      into[e.code] = e
      if not nonempty(e.label) then probs[#probs + 1] = ("%s %s has no label"):format(field, e.code) end
      if need_description and not nonempty(e.description) then
        probs[#probs + 1] = ("%s %s has no description"):format(field, e.code)
      end
      known_fields(field:sub(1, -2), e, set({ "code", "label", "description" }), files.taxonomy)
    end
  end
  if expected then
    local want = set(expected)
    for _, c in ipairs(expected) do
      if not into[c] then probs[#probs + 1] = ("%s: %s is missing"):format(field, c) end
    end
    for _, c in ipairs(sorted_keys(into)) do
      if not want[c] then probs[#probs + 1] = ("%s: %s is not in domain.md section 7"):format(field, c) end
    end
  end
  return probs
end

if data.taxonomy then
  local tax = data.taxonomy
  tap("taxonomy: the 14 areas of domain.md 7, each with a label and description",
    vocabulary(tax, "areas", EXPECTED_AREAS, AREAS, true))
  tap("taxonomy: dimensions QUALITY, TIMELINESS, COMPLIANCE, OUTCOME, CAPACITY",
    vocabulary(tax, "dimensions", EXPECTED_DIMENSIONS, DIMENSIONS, true))
  tap("taxonomy: strands ENGAGE, DESIST, SAFE", vocabulary(tax, "strands", EXPECTED_STRANDS, STRANDS, false))
  tap("taxonomy: relationships equal, subset, superset, intersects",
    vocabulary(tax, "relationships", EXPECTED_RELATIONSHIPS, RELATIONSHIPS, false))
  if tax.levels ~= nil then
    tap("taxonomy: levels", vocabulary(tax, "levels", nil, LEVELS, false))
  end
  known_fields("the taxonomy", tax, set({ "version", "areas", "dimensions", "strands", "levels", "relationships" }),
    files.taxonomy)
end

---------------------------------------------------------------------------------------------
-- units
---------------------------------------------------------------------------------------------
local UNIT_TYPES = set({ "NATIONAL", "REGION", "PDU", "LDU", "TEAM", "PROVIDER", "CRC", "NPS_DIVISION" })
-- which parent types make sense for each type
local PARENT_TYPES = {
  REGION = set({ "NATIONAL" }),
  PDU = set({ "REGION" }),
  LDU = set({ "PDU" }),
  TEAM = set({ "LDU", "PDU" }),
  CRC = set({ "NATIONAL", "PROVIDER" }),
  NPS_DIVISION = set({ "PROVIDER", "NATIONAL" }),
  PROVIDER = set({ "NATIONAL", "PROVIDER" }),
}
local REGION_CODES = { "N03", "N07", "N50", "N51", "N52", "N53", "N54", "N55", "N56", "N57", "N58", "N59" }
local CRC_ERA = { from = "2014-06-01", to = "2021-06-25" }
local PS_ERA_FROM = "2021-06-26"

local UNITS = {}
local unit_list = {}

if data.units then
  local reg = data.units
  known_fields("the register", reg, set({ "units", "crosswalk", "version" }), files.units)
  unit_list = type(reg.units) == "table" and reg.units or {}

  -- shape, types, unique codes
  local p_shape, p_dup = {}, {}
  for i, u in ipairs(unit_list) do
    local where = ("units[%d]"):format(i)
    if type(u) ~= "table" then
      p_shape[#p_shape + 1] = where .. " is not a table"
    else
      known_fields("unit " .. tostring(u.code), u,
        set({ "code", "name", "type", "parent", "valid_from", "valid_to", "aliases", "note", "root" }), files.units)
      if not nonempty(u.code) or u.code:match("^%s") or u.code:match("%s$") then
        p_shape[#p_shape + 1] = where .. ": code missing or padded with white space"
      else
        where = u.code
        if UNITS[u.code] then p_dup[#p_dup + 1] = "duplicate code " .. u.code end
        UNITS[u.code] = u
      end
      if not nonempty(u.name) then p_shape[#p_shape + 1] = where .. ": no name" end
      if not UNIT_TYPES[u.type] then p_shape[#p_shape + 1] = where .. ": unknown type " .. tostring(u.type) end
      if u.aliases ~= nil and type(u.aliases) ~= "table" then
        p_shape[#p_shape + 1] = where .. ": aliases is not a list"
      end
    end
  end
  if #unit_list == 0 then p_shape[#p_shape + 1] = "no units" end
  tap("units: every unit has a code, a name and a known type", p_shape)
  tap("units: codes are unique", p_dup)

  -- parents
  local p_parent = {}
  for _, u in ipairs(unit_list) do
    if type(u) == "table" and nonempty(u.code) then
      if u.parent == nil then
        if u.type ~= "NATIONAL" and u.root ~= true then
          p_parent[#p_parent + 1] = u.code .. ": no parent (only NATIONAL and root = true units may lack one)"
        end
      elseif not UNITS[u.parent] then
        p_parent[#p_parent + 1] = u.code .. ": parent " .. tostring(u.parent) .. " does not exist"
      elseif u.parent == u.code then
        p_parent[#p_parent + 1] = u.code .. ": is its own parent"
      else
        local pt = UNITS[u.parent].type
        if PARENT_TYPES[u.type] and not PARENT_TYPES[u.type][pt] then
          p_parent[#p_parent + 1] = ("%s (%s): parent %s is a %s"):format(u.code, u.type, u.parent, pt)
        end
        -- cycle
        local seen, cur = { [u.code] = true }, UNITS[u.parent]
        while cur and cur.parent do
          if seen[cur.code] then
            p_parent[#p_parent + 1] = u.code .. ": parent chain loops at " .. cur.code
            break
          end
          seen[cur.code] = true
          cur = UNITS[cur.parent]
        end
      end
    end
  end
  tap("units: every parent exists, has a fitting type and no chain loops", p_parent)

  -- dates
  local p_dates = {}
  for _, u in ipairs(unit_list) do
    if type(u) == "table" and nonempty(u.code) then
      for _, f in ipairs({ "valid_from", "valid_to" }) do
        if u[f] ~= nil and not iso_date(u[f]) then
          p_dates[#p_dates + 1] = ("%s: %s %s is not a valid YYYY-MM-DD date"):format(u.code, f, tostring(u[f]))
        end
      end
      if iso_date(u.valid_from) and iso_date(u.valid_to) and u.valid_from > u.valid_to then
        p_dates[#p_dates + 1] = ("%s: valid_from %s is after valid_to %s"):format(u.code, u.valid_from, u.valid_to)
      end
      local p = u.parent and UNITS[u.parent]
      if p then
        if iso_date(p.valid_from)
            and (u.valid_from == nil or (iso_date(u.valid_from) and u.valid_from < p.valid_from)) then
          p_dates[#p_dates + 1] = ("%s: valid from %s, before its parent %s (from %s)"):format(
            u.code, tostring(u.valid_from or "always"), p.code, p.valid_from)
        end
        if iso_date(p.valid_to) and (u.valid_to == nil or (iso_date(u.valid_to) and u.valid_to > p.valid_to)) then
          p_dates[#p_dates + 1] = ("%s: valid to %s, after its parent %s (to %s)"):format(
            u.code, tostring(u.valid_to or "open"), p.code, p.valid_to)
        end
      end
    end
  end
  tap("units: valid ISO dates, from <= to, inside the parent's validity", p_dates)

  -- era dates for the types domain.md 5.1 fixes
  local p_era = {}
  for _, u in ipairs(unit_list) do
    if type(u) == "table" and nonempty(u.code) then
      if u.type == "CRC" or u.type == "NPS_DIVISION" then
        if u.valid_from ~= CRC_ERA.from or u.valid_to ~= CRC_ERA.to then
          p_era[#p_era + 1] = ("%s: %s should be valid %s .. %s"):format(u.code, u.type, CRC_ERA.from, CRC_ERA.to)
        end
      elseif u.type == "REGION" or u.type == "PDU" then
        if u.valid_from == nil or (iso_date(u.valid_from) and u.valid_from < PS_ERA_FROM) then
          p_era[#p_era + 1] = ("%s: %s should be valid from %s or later"):format(u.code, u.type, PS_ERA_FROM)
        end
      end
    end
  end
  tap("units: CRCs and NPS divisions 2014-06-01..2021-06-25, regions and PDUs from 2021-06-26", p_era)

  -- aliases (and codes and names) must resolve to one unit only
  local p_alias, owner = {}, {}
  local function claim(key_text, code, how)
    local k = norm(key_text)
    local prev = owner[k]
    if prev and prev.code ~= code then
      p_alias[#p_alias + 1] = ("%q (%s of %s) clashes with %q (%s of %s)"):format(
        key_text, how, code, prev.text, prev.how, prev.code)
    elseif not prev then
      owner[k] = { code = code, text = key_text, how = how }
    end
  end
  for _, u in ipairs(unit_list) do
    if type(u) == "table" and nonempty(u.code) then claim(u.code, u.code, "code") end
  end
  for _, u in ipairs(unit_list) do
    if type(u) == "table" and nonempty(u.code) and nonempty(u.name) then claim(u.name, u.code, "name") end
  end
  for _, u in ipairs(unit_list) do
    if type(u) == "table" and nonempty(u.code) and type(u.aliases) == "table" then
      local mine = {}
      for i, a in ipairs(u.aliases) do
        if not nonempty(a) then
          p_alias[#p_alias + 1] = ("%s: alias %d is empty or not a string"):format(u.code, i)
        else
          if mine[norm(a)] then p_alias[#p_alias + 1] = ("%s: alias %q listed twice"):format(u.code, a) end
          mine[norm(a)] = true
          claim(a, u.code, "alias")
        end
      end
    end
  end
  tap("units: every code, name and alias names one unit only (case and white space ignored)", p_alias)

  -- required units
  local p_req = {}
  local nat = UNITS.NATIONAL
  if not nat or nat.type ~= "NATIONAL" then p_req[#p_req + 1] = "NATIONAL (type NATIONAL) is missing" end
  for _, c in ipairs(REGION_CODES) do
    if not UNITS[c] or UNITS[c].type ~= "REGION" then p_req[#p_req + 1] = "region " .. c .. " is missing" end
  end
  for i = 1, 21 do
    local c = ("CRC%02d"):format(i)
    if not UNITS[c] or UNITS[c].type ~= "CRC" then p_req[#p_req + 1] = "CRC " .. c .. " is missing" end
  end
  local counts = {}
  for _, u in ipairs(unit_list) do
    if type(u) == "table" and u.type then counts[u.type] = (counts[u.type] or 0) + 1 end
  end
  if (counts.REGION or 0) ~= 12 then p_req[#p_req + 1] = ("%d regions, expected 12"):format(counts.REGION or 0) end
  if (counts.CRC or 0) ~= 21 then p_req[#p_req + 1] = ("%d CRCs, expected 21"):format(counts.CRC or 0) end
  if (counts.NPS_DIVISION or 0) ~= 7 then
    p_req[#p_req + 1] = ("%d NPS divisions, expected 7"):format(counts.NPS_DIVISION or 0)
  end
  tap("units: NATIONAL, all 12 regions, all 21 CRCs (CRC01..CRC21) and 7 NPS divisions present", p_req)

  -- crosswalk
  local xw = type(reg.crosswalk) == "table" and reg.crosswalk or {}
  local p_xw, pairs_seen, succ, pred = {}, {}, {}, {}
  if reg.crosswalk == nil then p_xw[#p_xw + 1] = "no crosswalk" end
  for i, x in ipairs(xw) do
    local where = ("crosswalk[%d]"):format(i)
    if type(x) ~= "table" then
      p_xw[#p_xw + 1] = where .. " is not a table"
    else
      known_fields(where, x, set({ "from", "to", "relationship", "note", "inferred" }), files.units)
      where = ("%s (%s -> %s)"):format(where, tostring(x.from), tostring(x.to))
      local f, t = UNITS[x.from], UNITS[x.to]
      if not f then p_xw[#p_xw + 1] = where .. ": from does not exist" end
      if not t then p_xw[#p_xw + 1] = where .. ": to does not exist" end
      if x.from == x.to then p_xw[#p_xw + 1] = where .. ": from and to are the same unit" end
      if have_taxonomy and not RELATIONSHIPS[x.relationship] then
        p_xw[#p_xw + 1] = where .. ": relationship " .. tostring(x.relationship) .. " is not in the taxonomy"
      end
      local key = tostring(x.from) .. "\0" .. tostring(x.to)
      if pairs_seen[key] then p_xw[#p_xw + 1] = where .. ": listed twice" end
      pairs_seen[key] = true
      if f and t then
        if not (iso_date(f.valid_to) and iso_date(t.valid_from) and f.valid_to < t.valid_from) then
          p_xw[#p_xw + 1] = where .. ": from must end before to begins (an era crosswalk)"
        end
        succ[x.from] = true
        pred[x.to] = true
      end
    end
  end
  tap("units: every crosswalk from/to exists, links an earlier unit to a later one, with a known relationship", p_xw)

  local p_cover = {}
  for _, u in ipairs(unit_list) do
    if type(u) == "table" and (u.type == "CRC" or u.type == "NPS_DIVISION") and not succ[u.code] then
      p_cover[#p_cover + 1] = u.code .. " has no successor in the crosswalk"
    end
    if type(u) == "table" and u.type == "REGION" and not pred[u.code] then
      p_cover[#p_cover + 1] = u.code .. " has no predecessor in the crosswalk"
    end
  end
  tap("units: every CRC and NPS division has a successor, every region a predecessor", p_cover)
end

---------------------------------------------------------------------------------------------
-- crosswalk files (framework code -> taxonomy)
---------------------------------------------------------------------------------------------
local STATUS = set({ "S", "S2", "R", "I" })
local DIRECTIONS = set({ "higher", "lower" })
local CODE_FIELDS = set({ "code", "label", "question", "strand", "maps", "status", "parent", "level", "direction",
  "note", "inferred" })
local MAP_FIELDS = set({ "area", "dimension", "relationship", "strand", "level", "note" })
local FILE_FIELDS = set({ "framework", "body", "title", "source", "codes", "aliases", "by_unit_type", "version",
  "note" })

local FRAMEWORKS = {}   -- framework name -> { body, codes = {code -> entry}, path }
local framework_counts = {}

for _, cw in ipairs(crosswalks) do
  local t, path = cw.t, cw.path
  known_fields("the file", t, FILE_FIELDS, path)

  -- header
  local p_head = {}
  for _, f in ipairs({ "framework", "body", "title", "source" }) do
    if not nonempty(t[f]) then p_head[#p_head + 1] = f .. " is missing or empty" end
  end
  if nonempty(t.framework) then
    if FRAMEWORKS[t.framework] then
      p_head[#p_head + 1] = "framework " .. t.framework .. " is also defined in " .. FRAMEWORKS[t.framework].path
    end
  end
  if nonempty(t.body) and not t.body:match("^[A-Z][A-Z0-9_]*$") then
    p_head[#p_head + 1] = "body " .. t.body .. " is not an upper-case name"
  end
  if type(t.codes) ~= "table" or #t.codes == 0 then p_head[#p_head + 1] = "codes is missing or empty" end
  local fw = tostring(t.framework)
  tap(path .. ": framework, body, title, source and codes present", p_head)

  local codes, by_norm = {}, {}
  local p_dup, p_q, p_maps = {}, {}, {}
  for i, c in ipairs(type(t.codes) == "table" and t.codes or {}) do
    local where = ("codes[%d]"):format(i)
    if type(c) ~= "table" or not nonempty(c.code) then
      p_dup[#p_dup + 1] = where .. " has no code"
    else
      where = c.code
      known_fields("code " .. c.code, c, CODE_FIELDS, path)
      if codes[c.code] then
        p_dup[#p_dup + 1] = "duplicate code " .. c.code
      elseif by_norm[norm(c.code)] then
        p_dup[#p_dup + 1] = ("code %s differs from %s only in case or spacing"):format(c.code, by_norm[norm(c.code)])
      end
      codes[c.code] = c
      by_norm[norm(c.code)] = c.code

      if not nonempty(c.label) then p_q[#p_q + 1] = where .. ": no label" end
      if not nonempty(c.question) then
        p_q[#p_q + 1] = where .. ": no question"
      elseif not c.question:match("%?%s*$") then
        p_q[#p_q + 1] = where .. ": question does not end in '?'"
      end
      if have_taxonomy and c.strand ~= nil and not STRANDS[c.strand] then
        p_maps[#p_maps + 1] = where .. ": strand " .. tostring(c.strand) .. " is not in the taxonomy"
      end
      if c.status ~= nil and not STATUS[c.status] then
        p_q[#p_q + 1] = where .. ": status " .. tostring(c.status) .. " is not one of S, S2, R, I"
      end
      if c.level ~= nil and next(LEVELS) and not LEVELS[c.level] then
        p_maps[#p_maps + 1] = where .. ": level " .. tostring(c.level) .. " is not in the taxonomy"
      end
      if c.direction ~= nil and not DIRECTIONS[c.direction] then
        p_q[#p_q + 1] = where .. ": direction must be higher or lower"
      end

      if type(c.maps) ~= "table" or #c.maps == 0 then
        p_maps[#p_maps + 1] = where .. ": no maps"
      else
        local seen = {}
        for j, m in ipairs(c.maps) do
          local mw = ("%s maps[%d]"):format(where, j)
          if type(m) ~= "table" then
            p_maps[#p_maps + 1] = mw .. " is not a table"
          else
            known_fields(mw, m, MAP_FIELDS, path)
            if not have_taxonomy then
              -- skipped, see above
            elseif not AREAS[m.area] then
              p_maps[#p_maps + 1] = mw .. ": area " .. tostring(m.area) .. " is not in the taxonomy"
            end
            if have_taxonomy and not DIMENSIONS[m.dimension] then
              p_maps[#p_maps + 1] = mw .. ": dimension " .. tostring(m.dimension) .. " is not in the taxonomy"
            end
            if have_taxonomy and not RELATIONSHIPS[m.relationship] then
              p_maps[#p_maps + 1] = mw .. ": relationship " .. tostring(m.relationship) .. " is not in the taxonomy"
            end
            if have_taxonomy and m.strand ~= nil and not STRANDS[m.strand] then
              p_maps[#p_maps + 1] = mw .. ": strand " .. tostring(m.strand) .. " is not in the taxonomy"
            end
            local k = tostring(m.area) .. "/" .. tostring(m.dimension)
            if seen[k] then p_maps[#p_maps + 1] = mw .. ": maps to " .. k .. " twice" end
            seen[k] = true
          end
        end
      end
    end
  end
  tap(path .. ": no duplicate codes", p_dup)
  tap(path .. ": every code has a label and a question ending in '?'", p_q)
  tap(path .. ": every code has maps with areas, dimensions, strands and relationships from the taxonomy", p_maps)

  -- key questions sit under their standard
  local p_parent = {}
  for _, code in ipairs(sorted_keys(codes)) do
    local c = codes[code]
    if c.parent ~= nil then
      local p = codes[c.parent]
      if not p then
        p_parent[#p_parent + 1] = code .. ": parent " .. tostring(c.parent) .. " is not a code of " .. fw
      elseif p.parent ~= nil then
        p_parent[#p_parent + 1] = code .. ": parent " .. c.parent .. " has a parent itself"
      elseif type(c.maps) == "table" and type(p.maps) == "table" then
        local pa = {}
        for _, m in ipairs(p.maps) do if type(m) == "table" then pa[m.area or ""] = true end end
        for _, m in ipairs(c.maps) do
          if type(m) == "table" and not pa[m.area or ""] then
            p_parent[#p_parent + 1] = ("%s maps to %s, which its standard %s does not"):format(
              code, tostring(m.area), c.parent)
          end
        end
      end
    end
  end
  tap(path .. ": key questions name an existing standard and stay inside its areas", p_parent)

  -- aliases and by_unit_type
  local p_alias = {}
  local alias_norm = {}
  if t.aliases ~= nil and type(t.aliases) ~= "table" then p_alias[#p_alias + 1] = "aliases is not a table" end
  for _, a in ipairs(sorted_keys(type(t.aliases) == "table" and t.aliases or {})) do
    local target = t.aliases[a]
    if type(a) ~= "string" or not nonempty(a) then
      p_alias[#p_alias + 1] = "alias key " .. tostring(a) .. " is not a non-empty string"
    else
      if by_norm[norm(a)] then
        p_alias[#p_alias + 1] = ("alias %q is itself a code (%s)"):format(a, by_norm[norm(a)])
      end
      if alias_norm[norm(a)] then p_alias[#p_alias + 1] = ("alias %q repeats %q"):format(a, alias_norm[norm(a)]) end
      alias_norm[norm(a)] = a
      if type(target) ~= "string" or not codes[target] then
        p_alias[#p_alias + 1] = ("alias %q points at %s, which is not a code"):format(a, tostring(target))
      end
    end
  end
  if t.by_unit_type ~= nil and type(t.by_unit_type) ~= "table" then
    p_alias[#p_alias + 1] = "by_unit_type is not a table"
  end
  for _, a in ipairs(sorted_keys(type(t.by_unit_type) == "table" and t.by_unit_type or {})) do
    local m = t.by_unit_type[a]
    if type(a) ~= "string" or not nonempty(a) then
      p_alias[#p_alias + 1] = "by_unit_type key " .. tostring(a) .. " is not a non-empty string"
    elseif by_norm[norm(a)] or alias_norm[norm(a)] then
      p_alias[#p_alias + 1] = ("by_unit_type %q is already a code or plain alias"):format(a)
    elseif type(m) ~= "table" or next(m) == nil then
      p_alias[#p_alias + 1] = ("by_unit_type %q is not a table of unit type -> code"):format(a)
    else
      for _, ut in ipairs(sorted_keys(m)) do
        if not UNIT_TYPES[ut] then
          p_alias[#p_alias + 1] = ("by_unit_type %q: unknown unit type %s"):format(a, tostring(ut))
        end
        if not codes[m[ut]] then
          p_alias[#p_alias + 1] = ("by_unit_type %q: %s points at %s, which is not a code"):format(
            a, tostring(ut), tostring(m[ut]))
        end
      end
    end
  end
  tap(path .. ": aliases point at existing codes and do not shadow codes", p_alias)

  if nonempty(t.framework) and not FRAMEWORKS[t.framework] then
    FRAMEWORKS[t.framework] = { body = t.body, codes = codes, path = path }
    local n = 0
    for _ in pairs(codes) do n = n + 1 end
    framework_counts[#framework_counts + 1] = ("%s %d codes"):format(t.framework, n)
  end
end

---------------------------------------------------------------------------------------------
-- scales
---------------------------------------------------------------------------------------------
local SCALE_KINDS = set({ "values", "thresholds", "target", "classes" })
local CLASSES = set({ "sufficient", "insufficient", "not applicable" })
local SCALES = {}

local function infer_kind(s)
  if s.kind then return s.kind end
  if s.thresholds then return "thresholds" end
  if s.missed_margin or s.exceeded_margin then return "target" end
  if type(s.values) == "table" then
    for _, v in pairs(s.values) do return type(v) == "string" and "classes" or "values" end
  end
  return nil
end

-- every raw spelling a scale knows (values and aliases), normalised
local function raw_keys(s)
  local out = {}
  if type(s.values) == "table" then for k in pairs(s.values) do out[norm(tostring(k))] = true end end
  if type(s.aliases) == "table" then for k in pairs(s.aliases) do out[norm(tostring(k))] = true end end
  return out
end

if data.scales then
  local sc = data.scales
  known_fields("the scales file", sc, set({ "scales", "defaults", "version" }), files.scales)
  local list = type(sc.scales) == "table" and sc.scales or {}

  local p_shape, p_mono = {}, {}
  if #list == 0 then p_shape[#p_shape + 1] = "no scales" end
  for i, s in ipairs(list) do
    if type(s) ~= "table" or not nonempty(s.name) then
      p_shape[#p_shape + 1] = ("scales[%d] has no name"):format(i)
    else
      known_fields("scale " .. s.name, s, set({ "name", "kind", "values", "order", "aliases", "thresholds", "unit",
        "max", "missed_margin", "exceeded_margin", "note" }), files.scales)
      if SCALES[s.name] then p_shape[#p_shape + 1] = "duplicate scale " .. s.name end
      SCALES[s.name] = s
      local kind = infer_kind(s)
      s._kind = kind
      if not SCALE_KINDS[kind] then
        p_shape[#p_shape + 1] = s.name .. ": unknown kind " .. tostring(kind)
      elseif kind == "values" or kind == "classes" then
        if type(s.values) ~= "table" or next(s.values) == nil then
          p_shape[#p_shape + 1] = s.name .. ": no values"
        else
          local seen = {}
          for _, k in ipairs(sorted_keys(s.values)) do
            local v = s.values[k]
            if type(k) ~= "string" or not nonempty(k) then
              p_shape[#p_shape + 1] = s.name .. ": a value key is not a string"
            end
            if seen[norm(tostring(k))] then
              p_shape[#p_shape + 1] = ("%s: value %q repeats %q"):format(s.name, tostring(k), seen[norm(tostring(k))])
            end
            seen[norm(tostring(k))] = tostring(k)
            if kind == "values" and not (math.type(v) == "integer" and v >= 1 and v <= 4) then
              p_shape[#p_shape + 1] = ("%s: %s maps to %s, not a band 1-4"):format(s.name, tostring(k), tostring(v))
            end
            if kind == "classes" and not CLASSES[v] then
              p_shape[#p_shape + 1] = ("%s: %s maps to %s, not sufficient/insufficient/not applicable"):format(
                s.name, tostring(k), tostring(v))
            end
          end
          for _, a in ipairs(sorted_keys(type(s.aliases) == "table" and s.aliases or {})) do
            local target = s.aliases[a]
            if type(a) ~= "string" or s.values[target] == nil then
              p_shape[#p_shape + 1] = ("%s: alias %s points at %s, which is not a value"):format(
                s.name, tostring(a), tostring(target))
            else
              -- a spelling that differs only in case is harmless if it names the same value
              -- (it helps a consumer that matches exactly); naming another value is a clash
              local prev = seen[norm(a)]
              local prev_target = prev and (s.values[prev] ~= nil and prev or s.aliases[prev])
              if prev and prev_target ~= target then
                p_shape[#p_shape + 1] = ("%s: alias %q -> %s clashes with %q -> %s"):format(
                  s.name, a, tostring(target), prev, tostring(prev_target))
              end
              if not prev then seen[norm(a)] = a end
            end
          end
        end
        if kind == "values" then
          -- monotonic: "order" lists every value once, best first; bands never rise along it
          if type(s.order) ~= "table" then
            p_mono[#p_mono + 1] = s.name .. ": no order (best first)"
          elseif type(s.values) == "table" then
            local listed, prev = {}, nil
            for j, raw in ipairs(s.order) do
              local band = s.values[raw]
              if band == nil then
                p_mono[#p_mono + 1] = ("%s: order[%d] %s is not a value"):format(s.name, j, tostring(raw))
              else
                if listed[raw] then p_mono[#p_mono + 1] = ("%s: %s is listed twice in order"):format(s.name, raw) end
                listed[raw] = true
                if prev and type(band) == "number" and band > prev then
                  p_mono[#p_mono + 1] = ("%s: band rises from %d to %d at %s"):format(s.name, prev, band, raw)
                end
                prev = band
              end
            end
            for _, k in ipairs(sorted_keys(s.values)) do
              if not listed[k] then
                p_mono[#p_mono + 1] = ("%s: value %s is missing from order"):format(s.name, tostring(k))
              end
            end
            local first, last = s.values[s.order[1]], s.values[s.order[#s.order]]
            if type(first) == "number" and type(last) == "number" and first <= last and #s.order > 1 then
              p_mono[#p_mono + 1] = s.name .. ": best and worst values have the same band"
            end
          end
        end
      elseif kind == "thresholds" then
        local th = s.thresholds
        local top = s.max or 100
        if type(th) ~= "table" or #th ~= 3 then
          p_mono[#p_mono + 1] = s.name .. ": thresholds must be 3 numbers (lower bounds of bands 4, 3, 2)"
        else
          for j, v in ipairs(th) do
            if type(v) ~= "number" or v < 0 or v > top then
              p_mono[#p_mono + 1] = ("%s: threshold %s is outside 0..%s"):format(s.name, tostring(v), tostring(top))
            elseif j > 1 and type(th[j - 1]) == "number" and not (v < th[j - 1]) then
              p_mono[#p_mono + 1] = ("%s: thresholds must strictly fall (%s then %s)"):format(
                s.name, tostring(th[j - 1]), tostring(v))
            end
          end
        end
      elseif kind == "target" then
        for _, f in ipairs({ "missed_margin", "exceeded_margin" }) do
          if s[f] ~= nil and (type(s[f]) ~= "number" or s[f] < 0) then
            p_mono[#p_mono + 1] = ("%s: %s must be a number >= 0"):format(s.name, f)
          end
        end
        if s.missed_margin == nil then p_mono[#p_mono + 1] = s.name .. ": no missed_margin" end
      end
    end
  end
  tap("scales: every scale has a unique name, a known kind and well-formed values and aliases", p_shape)
  tap("scales: monotonic (bands fall along order; thresholds strictly fall; margins >= 0)", p_mono)

  -- defaults
  local p_def = {}
  local d = sc.defaults
  local INPUT_KINDS = {
    rating = set({ "values" }), value = set({ "thresholds", "target" }), cases = set({ "thresholds" }),
    answer = set({ "classes" }), overall = set({ "thresholds" }),
  }
  local function check_entry(where, e)
    if type(e) ~= "table" then p_def[#p_def + 1] = where .. " is not a table"; return end
    for _, input in ipairs(sorted_keys(e)) do
      local allowed = INPUT_KINDS[input]
      if not allowed then
        p_def[#p_def + 1] = ("%s: unknown input %s (rating, value, cases, answer, overall)"):format(
          where, tostring(input))
      else
        local names = e[input]
        if type(names) == "string" then names = { names } end
        if input ~= "rating" and #names ~= 1 then
          p_def[#p_def + 1] = ("%s.%s: give one scale"):format(where, input)
        end
        local owner = {}
        for _, nm in ipairs(names) do
          local s = SCALES[nm]
          if not s then
            p_def[#p_def + 1] = ("%s.%s: scale %s does not exist"):format(where, input, tostring(nm))
          elseif not allowed[s._kind] then
            p_def[#p_def + 1] = ("%s.%s: scale %s is of kind %s"):format(where, input, nm, tostring(s._kind))
          elseif input == "rating" then
            for _, raw in ipairs(sorted_keys(raw_keys(s))) do
              if owner[raw] and owner[raw] ~= nm then
                p_def[#p_def + 1] = ("%s.rating: %q is known to both %s and %s"):format(where, raw, owner[raw], nm)
              end
              owner[raw] = nm
            end
          end
        end
      end
    end
  end
  if type(d) ~= "table" then
    p_def[#p_def + 1] = "defaults is missing"
  else
    known_fields("defaults", d, set({ "bodies", "frameworks" }), files.scales)
    for _, b in ipairs(sorted_keys(type(d.bodies) == "table" and d.bodies or {})) do
      check_entry("defaults.bodies." .. tostring(b), d.bodies[b])
    end
    for _, f in ipairs(sorted_keys(type(d.frameworks) == "table" and d.frameworks or {})) do
      check_entry("defaults.frameworks." .. tostring(f), d.frameworks[f])
      if not FRAMEWORKS[f] then
        note("scales.lua defaults name framework " .. tostring(f) .. ", which has no crosswalk file loaded")
      end
    end
    for _, f in ipairs(sorted_keys(FRAMEWORKS)) do
      local body = FRAMEWORKS[f].body
      local has = (type(d.frameworks) == "table" and d.frameworks[f]) or (type(d.bodies) == "table" and d.bodies[body])
      if not has then p_def[#p_def + 1] = ("framework %s (body %s) has no default scale"):format(f, tostring(body)) end
    end
  end
  tap("scales: defaults name existing scales of the right kind, cover every framework, "
    .. "and rating lists never overlap", p_def)
end

---------------------------------------------------------------------------------------------
-- summary
---------------------------------------------------------------------------------------------
do
  local byt, aliases = {}, 0
  for _, u in ipairs(unit_list) do
    if type(u) == "table" then
      byt[#byt + 1] = u.type
      if type(u.aliases) == "table" then aliases = aliases + #u.aliases end
    end
  end
  local counts = {}
  for _, ty in ipairs(byt) do counts[ty] = (counts[ty] or 0) + 1 end
  local parts = {}
  for _, ty in ipairs(sorted_keys(counts)) do parts[#parts + 1] = ty .. " " .. counts[ty] end
  print("# units: " .. table.concat(parts, ", ") .. "; unit aliases " .. aliases)
  if #framework_counts > 0 then print("# frameworks: " .. table.concat(framework_counts, "; ")) end
end

print("1.." .. test_no)
if failures > 0 then
  print(("# %d of %d checks failed"):format(failures, test_no))
  os.exit(1)
end
os.exit(0)
