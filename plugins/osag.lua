-- HMPPS Operational and System Assurance Group (OSAG): case-file audit results.
--
-- CSV, one row per audit x case (CRN) x question, answer Y / N / NA. Column by column in
-- docs/formats.md ("osag audit"). The format and the OSAG-2019 question set
-- (plugins/crosswalks/osag-2019.lua) are our proposal [I]: no OSAG export is published.
--
-- Built for volume (the benchmark imports 1,000,000 rows): per row it reads the fields, looks
-- the question and the answer up in two tables and calls out:answer once. Everything
-- about the audit itself (unit, dates, tool) is read and checked once per audit, when its
-- audit_id changes; rows of one audit are expected to be together (they may also come back
-- later, and are then checked against the first sighting).

local trim = concord.trim

-- Question sets: code -> strand ("" when the question has no strand). Keep in step with
-- plugins/crosswalks/osag-2019.lua.
local TOOLS = {
  ["OSAG-2019"] = {
    Q01 = "", Q02 = "", Q03 = "SAFE", Q04 = "SAFE", Q05 = "SAFE", Q06 = "ENGAGE",
    Q07 = "ENGAGE", Q08 = "SAFE", Q09 = "", Q10 = "", Q11 = "SAFE", Q12 = "SAFE", Q13 = "",
  },
}
local DEFAULT_TOOL = "OSAG-2019"

local ANSWERS = { Y = "Y", N = "N", NA = "NA" }

local REQUIRED = { "audit_id", "unit_code", "audit_start", "audit_end", "crn", "question_code", "answer" }

local function fail(field, fmt, ...)
  error(field .. ": " .. string.format(fmt, ...), 0)
end

local function header_set(src)
  local head = src:head(4096) or ""
  local line = head:match("^[^\r\n]*") or ""
  local set = {}
  for f in (line .. ","):gmatch("([^,]*),") do
    set[(trim(f):gsub('^"(.*)"$', "%1"))] = true
  end
  return set
end

local function is_osag(src)
  local set = header_set(src)
  for _, c in ipairs(REQUIRED) do
    if not set[c] then return false end
  end
  -- An HMIP case file has crn and answer too, but never audit_id; keep it that way.
  return not set.inspection_id
end

local function date(field, s)
  local ok, d = pcall(concord.date, s)
  if not ok then fail(field, "%s", tostring(d)) end
  return d
end

local function required(row, field)
  local v = row[field]
  if v == nil then fail(field, "required, but the file has no %s column", field) end
  v = trim(v)
  if v == "" then fail(field, "required, but empty") end
  return v
end

return concord.plugin {
  api = 1,
  name = "osag",
  body = "OSAG",
  version = "1.0.0",
  identity_version = 1,
  description = "HMPPS OSAG case-file audit results, one row per audit x case x question (CSV)",

  detect = function(src)
    if not is_osag(src) then return 0 end
    local name = (src.name or ""):lower()
    return name:match("%.csv$") and 0.95 or 0.9
  end,

  parse = function(src, out)
    local audits = {}        -- audit_id -> { unit, start, end, tool, first_row }
    local units, naudits = {}, 0
    local from, to
    local last_id, cur, questions
    local last_crn = nil

    -- reuse: one row table refilled for every row (no row is kept past its turn).
    for row, rowno in src:csv{ header = true, reuse = true } do
      local aid = row.audit_id
      if aid ~= last_id then
        -- Once per audit (or when an audit's rows resume after another audit's).
        aid = required(row, "audit_id")
        local unit = trim(row.unit_code or "")
        if unit == "" then unit = trim(row.unit_name or "") end
        if unit == "" then fail("unit_code", "required: give unit_code or unit_name") end
        local s_raw, e_raw = required(row, "audit_start"), required(row, "audit_end")
        local tool = trim(row.tool_version or "")
        if tool == "" then tool = DEFAULT_TOOL end
        cur = audits[aid]
        if cur then
          if cur.unit ~= unit or cur.s_raw ~= s_raw or cur.e_raw ~= e_raw or cur.tool ~= tool then
            fail("audit_id", "%s: unit, dates or tool_version differ from its first row (row %s)",
                 aid, tostring(cur.row))
          end
        else
          questions = TOOLS[tool]
          if not questions then
            fail("tool_version", "'%s' is not a known OSAG question set (known: OSAG-2019)", tool)
          end
          local started, ended = date("audit_start", s_raw), date("audit_end", e_raw)
          if ended < started then fail("audit_end", "%s is before audit_start %s", ended, started) end
          cur = { unit = unit, s_raw = s_raw, e_raw = e_raw, tool = tool, row = rowno,
                  questions = questions }
          audits[aid] = cur
          naudits = naudits + 1
          if not units[unit] then units[unit] = true end
          if not from or started < from then from = started end
          if not to or ended > to then to = ended end
          out:event{ key = aid, kind = "AUDIT", unit = unit, started = started, ended = ended,
                     title = "OSAG case-file audit", reference = aid }
        end
        questions = cur.questions
        last_id = aid
        last_crn = nil
      end

      local crn = row.crn
      if crn ~= last_crn then
        if not (crn and crn:match("^[A-Z]%d%d%d%d%d%d$")) then
          fail("crn", "'%s' is not a case reference number (a letter and six digits, e.g. X320741)",
               tostring(crn))
        end
        last_crn = crn
      end
      local q = row.question_code
      local strand = questions[q]
      if not strand then
        fail("question_code", "'%s' is not a question of %s (Q01 to Q13)", tostring(q), cur.tool)
      end
      local answer = ANSWERS[row.answer]
      if not answer then fail("answer", "'%s' is not Y, N or NA", tostring(row.answer)) end
      local comment = row.comment
      if comment == "" then comment = nil end

      -- out:assessment{ key = { aid, crn, q }, event = aid, case = crn, ... } without the
      -- table: a million of these are the whole of a large export.
      out:answer(aid, crn, cur.tool, q, answer, strand ~= "" and strand or nil, comment)
    end

    if naudits == 0 then return end
    local ulist = {}
    for u in pairs(units) do ulist[#ulist + 1] = u end
    table.sort(ulist)
    local key
    if naudits == 1 then
      key = "osag-" .. last_id
    else
      -- A multi-audit export is named by its date range and units; a long unit list is
      -- replaced by its count and a hash of the list, so the key stays short and stable.
      local joined = table.concat(ulist, "+")
      if #joined > 120 then
        local h = 2166136261
        for i = 1, #joined do h = ((h ~ joined:byte(i)) * 16777619) & 0xffffffff end
        joined = string.format("%d-units-%08x", #ulist, h)
      end
      key = "osag-" .. from .. "-" .. to .. "-" .. joined
    end
    if #ulist <= 256 then
      out:scope{ key = key, units = ulist, from = from, to = to }
    else
      out:scope{ key = key, from = from, to = to }
    end
  end,
}
