-- HM Inspectorate of Probation (HMIP): inspection results and inspection case samples.
--
-- Two CSV formats, both described column by column in docs/formats.md:
--
--   hmip results  one row per inspection x standard x key question (the data annexe /
--                 Annex 2 shape proposed in domain.md 1.5 [I]), with a record_type column:
--                 RESULT rows carry ratings and case counts, RECOMMENDATION rows carry the
--                 report's recommendations.
--   hmip cases    one row per inspection x case (CRN) x key question with the inspector's
--                 answer Yes / No / NA, so that a case HMIP sampled can be matched with the
--                 same case audited by OSAG or internal QA.
--
-- Both formats repeat the inspection columns on every row and emit the same INSPECTION event
-- (same key, same fields), so a case file and a results file describe one act of scrutiny.
-- Frameworks: HMIP-2018, HMIP-PDU-2021, HMIP-2023 (codes as in domain.md 1.2; the 2023 P/R
-- codes are [I]).

local trim = concord.trim

-- ------------------------------------------------------------------ frameworks
-- kq: how a key-question code under this standard is formed. "strands" = key questions 1..3
-- are engagement, desistance and keeping other people safe (domain.md 1.3); "plain" = key
-- questions 1..4 without a strand; nil = the standard has no key questions.
local STRANDED, PLAIN = "strands", "plain"

local FRAMEWORKS = {
  ["HMIP-2018"] = {
    ["1.1"] = {}, ["1.2"] = {}, ["1.3"] = {}, ["1.4"] = {},
    ["2.1"] = { kq = STRANDED }, ["2.2"] = { kq = STRANDED },
    ["2.3"] = { kq = STRANDED }, ["2.4"] = { kq = STRANDED },
    -- Domain 3: a bare 3.x means unpaid work / Through the Gate for a CRC and court work /
    -- victim work for an NPS division; the crosswalk resolves it by the unit's type, or the
    -- plugin does when the file gives unit_type. 4.x is the DLNR report's numbering.
    ["3.1"] = { kq = PLAIN, typed = true }, ["3.2"] = { kq = PLAIN, typed = true },
    ["3.1-CRC"] = { kq = PLAIN }, ["3.2-CRC"] = { kq = PLAIN },
    ["3.1-NPS"] = { kq = PLAIN }, ["3.2-NPS"] = { kq = PLAIN },
    ["4.1"] = { kq = PLAIN }, ["4.2"] = { kq = PLAIN },
  },
  ["HMIP-PDU-2021"] = {
    ["1.1"] = {}, ["1.2"] = {}, ["1.3"] = {}, ["1.4"] = {},
    ["2.1"] = { kq = STRANDED }, ["2.2"] = { kq = STRANDED }, ["2.3"] = { kq = STRANDED },
    ["2.4"] = { kq = STRANDED }, ["2.5"] = { kq = STRANDED },
  },
  ["HMIP-2023"] = {
    ["P1.1"] = {}, ["P1.2"] = {}, ["P1.3"] = {},
    ["P2.1"] = { kq = STRANDED }, ["P2.2"] = { kq = STRANDED },
    ["P2.3"] = { kq = STRANDED }, ["P2.4"] = { kq = STRANDED },
    ["R1.1"] = {}, ["R1.2"] = {},
    ["R2.1"] = { kq = PLAIN }, ["R2.2"] = { kq = PLAIN }, ["R2.3"] = { kq = PLAIN },
    ["R2.4"] = { kq = PLAIN }, ["R2.5"] = { kq = PLAIN }, ["R2.6"] = { kq = PLAIN },
  },
}
local FRAMEWORK_LIST = "HMIP-2018, HMIP-PDU-2021, HMIP-2023"

local STRAND_OF = { "ENGAGE", "DESIST", "SAFE" }
local STRANDS = { ENGAGE = true, DESIST = true, SAFE = true }

local RATINGS = {            -- canonical word, and points (domain.md 1.4 [R])
  ["outstanding"] = { "Outstanding", 3 },
  ["good"] = { "Good", 2 },
  ["requires improvement"] = { "Requires improvement", 1 },
  ["inadequate"] = { "Inadequate", 0 },
}
local RATING_LIST = "Outstanding, Good, Requires improvement, Inadequate"

local KQ_BANDS = {           -- the words HMIP uses for a key question's share of cases
  ["large majority"] = true, ["reasonable majority"] = true,
  ["too few"] = true, ["minority"] = true,
}

local UNIT_TYPES = { CRC = "CRC", NPS_DIV = "NPS_DIVISION", NPS_DIVISION = "NPS_DIVISION",
                     PDU = "PDU", REGION = "REGION", NATIONAL = "NATIONAL" }

local ANSWERS = { yes = "Yes", y = "Yes", no = "No", n = "No", na = "NA", ["n/a"] = "NA" }

local REC_STATUS = { OPEN = true, IN_PROGRESS = true, IMPLEMENTED = true, REJECTED = true,
                     OVERDUE = true }

-- ------------------------------------------------------------------ helpers
local function fail(field, fmt, ...)
  error(field .. ": " .. string.format(fmt, ...), 0)
end

local function opt(row, field)
  local v = row[field]
  if v == nil then return nil end
  v = trim(v)
  if v == "" then return nil end
  return v
end

local function req(row, field)
  local v = row[field]
  if v == nil then fail(field, "required, but the file has no %s column", field) end
  v = trim(v)
  if v == "" then fail(field, "required, but empty") end
  return v
end

local function date(field, s)
  local ok, d = pcall(concord.date, s)
  if not ok then fail(field, "%s", tostring(d)) end
  return d
end

local function count(field, s)
  if s == nil then return nil end
  local n = tonumber(s)
  if not n or n < 0 or n ~= math.floor(n) or not s:match("^%d+$") then
    fail(field, "'%s' is not a whole number of cases", s)
  end
  return math.tointeger(n)
end

local function percent(field, s)
  if s == nil then return nil end
  local n = tonumber((s:gsub("%%$", "")))
  if not n or n < 0 or n > 100 then fail(field, "'%s' is not a percentage between 0 and 100", s) end
  return n
end

local function rating(field, s)
  local r = RATINGS[s:lower()]
  if not r then fail(field, "'%s' is not one of %s", s, RATING_LIST) end
  return r[1], r[2]
end

local function sorted_keys(set)
  local t = {}
  for k in pairs(set) do t[#t + 1] = k end
  table.sort(t)
  return t
end

-- Splits the first line of the head into a set of column names.
local function header_set(src)
  local head = src:head(4096) or ""
  local line = head:match("^[^\r\n]*") or ""
  local set = {}
  for f in (line .. ","):gmatch("([^,]*),") do
    f = trim(f):gsub('^"(.*)"$', "%1")
    set[f] = true
  end
  return set
end

local function has_all(set, names)
  for _, n in ipairs(names) do
    if not set[n] then return false end
  end
  return true
end

local RESULTS_COLUMNS = { "record_type", "inspection_id", "framework_version", "fieldwork_start",
                          "fieldwork_end", "standard_code", "standard_rating" }
local CASES_COLUMNS = { "inspection_id", "framework_version", "fieldwork_start", "fieldwork_end",
                        "crn", "key_question_code", "answer" }

-- ------------------------------------------------------------------ inspections
-- The inspection columns repeated on every row of both formats. The first row of an
-- inspection emits its event; later rows must agree with it.
local INSPECTION_COLUMNS = { "framework_version", "unit_type", "unit_code", "unit_name",
                             "fieldwork_start", "fieldwork_end", "publication_date",
                             "cases_sampled" }

local function inspection(state, row, out)
  local id = req(row, "inspection_id")
  local ins = state.inspections[id]
  if ins then
    for _, c in ipairs(INSPECTION_COLUMNS) do
      local v = opt(row, c)
      if v ~= ins.raw[c] then
        fail(c, "'%s' differs from '%s' given for inspection %s on an earlier row",
             v or "", ins.raw[c] or "", id)
      end
    end
    return ins
  end

  local raw = {}
  for _, c in ipairs(INSPECTION_COLUMNS) do raw[c] = opt(row, c) end
  local fw = req(row, "framework_version")
  if not FRAMEWORKS[fw] then fail("framework_version", "'%s' is not one of %s", fw, FRAMEWORK_LIST) end
  local unit = raw.unit_code or raw.unit_name
  if not unit then fail("unit_code", "required: give unit_code or unit_name") end
  local unit_type
  if raw.unit_type then
    unit_type = UNIT_TYPES[raw.unit_type:upper()]
    if not unit_type then
      fail("unit_type", "'%s' is not one of CRC, NPS_DIV, PDU, REGION, NATIONAL", raw.unit_type)
    end
  end
  local started = date("fieldwork_start", req(row, "fieldwork_start"))
  local ended = date("fieldwork_end", req(row, "fieldwork_end"))
  if ended < started then
    fail("fieldwork_end", "%s is before fieldwork_start %s", ended, started)
  end
  local published
  if raw.publication_date then
    published = date("publication_date", raw.publication_date)
    if published < ended then
      fail("publication_date", "%s is before fieldwork_end %s", published, ended)
    end
  end
  local sampled = count("cases_sampled", raw.cases_sampled)

  ins = { id = id, raw = raw, framework = fw, standards = FRAMEWORKS[fw], unit = unit,
          unit_type = unit_type, started = started, ended = ended, rated = {},
          kqs = {}, recs = {}, answers = {} }
  state.inspections[id] = ins
  state.order[#state.order + 1] = id
  state.units[unit] = true

  out:event{
    key = id,
    kind = (unit_type == "NATIONAL") and "THEMATIC" or "INSPECTION",
    unit = unit,
    started = started,
    ended = ended,
    published = published,
    title = "HMIP inspection of " .. (raw.unit_name or unit),
    reference = id,
    cases_sampled = sampled,
  }
  return ins
end

-- Resolves a standard code for this inspection (bare HMIP-2018 3.x by unit type).
local function standard(ins, field, code)
  local def = ins.standards[code]
  if not def then
    local known = sorted_keys(ins.standards)
    fail(field, "'%s' is not a standard of %s (expected one of %s)", code, ins.framework,
         table.concat(known, ", "))
  end
  if def.typed and ins.unit_type == "CRC" then return code .. "-CRC", def end
  if def.typed and ins.unit_type == "NPS_DIVISION" then return code .. "-NPS", def end
  return code, def
end

-- Checks a key-question code; returns the code to emit, its (resolved) standard and strand.
local function key_question(ins, field, kq, strand_given)
  local std, n = kq:match("^(.+)%.(%d+)$")
  if not std or not ins.standards[std] then
    fail(field, "'%s' is not a key question of %s (expected <standard>.<n>, e.g. %s)", kq,
         ins.framework, ins.framework == "HMIP-2023" and "P2.2.3" or "2.2.3")
  end
  local code, def = standard(ins, field, std)
  n = tonumber(n)
  local strand
  if def.kq == STRANDED then
    if n < 1 or n > 3 then
      fail(field, "'%s': standard %s has key questions %s.1 to %s.3", kq, std, std, std)
    end
    strand = STRAND_OF[n]
  elseif def.kq == PLAIN then
    if n < 1 or n > 4 then
      fail(field, "'%s': standard %s has key questions %s.1 to %s.4", kq, std, std, std)
    end
  else
    fail(field, "'%s': standard %s is rated by inspectors' judgement and has no key questions", kq, std)
  end
  if strand_given then
    local s = strand_given:upper()
    if not STRANDS[s] then fail("strand", "'%s' is not one of ENGAGE, DESIST, SAFE", strand_given) end
    if strand and s ~= strand then
      fail("strand", "'%s' does not match key question %s, which is %s", strand_given, kq, strand)
    end
    strand = s
  end
  -- The key question keeps its published code (a bare HMIP-2018 "3.1.2" stays as it is: the
  -- crosswalk has no domain-3 key questions); its standard is the resolved code.
  return kq, code, strand
end

local function declare_scope(state, out, prefix)
  if #state.order == 0 then return end
  local from, to
  for _, id in ipairs(state.order) do
    local ins = state.inspections[id]
    if not from or ins.started < from then from = ins.started end
    if not to or ins.ended > to then to = ins.ended end
  end
  local ids = {}
  for i, id in ipairs(state.order) do ids[i] = id end
  table.sort(ids)
  out:scope{ key = prefix .. table.concat(ids, "+"), units = sorted_keys(state.units),
             from = from, to = to }
end

-- ------------------------------------------------------------------ results
local function parse_results(src, out)
  local state = { inspections = {}, order = {}, units = {} }
  local overall_done = {}

  for row in src:csv{ header = true } do
    local rtype = req(row, "record_type"):upper()
    if rtype ~= "RESULT" and rtype ~= "RECOMMENDATION" then
      fail("record_type", "'%s' is not RESULT or RECOMMENDATION", row.record_type)
    end
    local ins = inspection(state, row, out)
    local id = ins.id

    -- The overall rating and score, repeated on every row, are checked for consistency and
    -- emitted once per inspection as code OVERALL. No area stands for "everything", so it is
    -- kept unmapped (counted by concord sources): reports show it, the reconciler does not
    -- compare it with area judgements.
    local overall = opt(row, "overall_rating")
    local score = opt(row, "overall_score")
    if overall or score then
      local word = overall and rating("overall_rating", overall)
      local seen = overall_done[id]
      if seen then
        if seen[1] ~= word or seen[2] ~= score then
          fail("overall_rating", "'%s' (score %s) differs from '%s' (score %s) on an earlier row",
               word or "", score or "", seen[1] or "", seen[2] or "")
        end
      else
        if score and not score:match("^%d+$") then
          fail("overall_score", "'%s' is not a whole number of points", score)
        end
        overall_done[id] = { word, score }
        if word then
          out:assessment{ key = { id, "OVERALL" }, event = id, framework = ins.framework,
                          code = "OVERALL", rating = word, unmapped = true,
                          text = score and ("overall score " .. score .. " points") or nil }
        end
      end
    end

    if rtype == "RESULT" then
      local std_code, def = standard(ins, "standard_code", req(row, "standard_code"))
      local word, points = rating("standard_rating", req(row, "standard_rating"))
      local p = opt(row, "points")
      if p and tonumber(p) ~= points then
        fail("points", "'%s' does not match the rating %s (%d points)", p, word, points)
      end
      local prev = ins.rated[std_code]
      local kq = opt(row, "key_question_code")
      if prev then
        if not kq then
          fail("standard_code", "%s appears twice for inspection %s without a key question", std_code, id)
        end
        if prev ~= word then
          fail("standard_rating", "'%s' differs from '%s' given for standard %s on an earlier row",
               word, prev, std_code)
        end
      else
        ins.rated[std_code] = word
        out:assessment{ key = { id, std_code }, event = id, framework = ins.framework,
                        code = std_code, rating = word }
      end

      if kq then
        local code, kq_std, strand = key_question(ins, "key_question_code", kq, opt(row, "strand"))
        if kq_std ~= std_code then
          fail("key_question_code", "'%s' does not belong to standard %s", kq, std_code)
        end
        if ins.kqs[code] then
          fail("key_question_code", "%s appears twice for inspection %s", code, id)
        end
        ins.kqs[code] = true
        local applicable = count("cases_applicable", req(row, "cases_applicable"))
        local sufficient = count("cases_sufficient", req(row, "cases_sufficient"))
        if sufficient > applicable then
          fail("cases_sufficient", "%d is more than cases_applicable %d", sufficient, applicable)
        end
        local pct = percent("pct_sufficient", opt(row, "pct_sufficient"))
        if pct and applicable > 0 and math.abs(pct - 100 * sufficient / applicable) > 0.51 then
          fail("pct_sufficient", "%s does not match %d of %d cases (%.1f%%)", row.pct_sufficient,
               sufficient, applicable, 100 * sufficient / applicable)
        end
        local band = opt(row, "kq_band")
        if band and not KQ_BANDS[band:lower()] then
          fail("kq_band", "'%s' is not one of Large majority, Reasonable majority, Too few, Minority", band)
        end
        out:assessment{ key = { id, code }, event = id, framework = ins.framework, code = code,
                        strand = strand, cases_applicable = applicable,
                        cases_sufficient = sufficient }
      elseif opt(row, "cases_applicable") or opt(row, "cases_sufficient") then
        fail("key_question_code", "required when the row gives case counts")
      end
    else -- RECOMMENDATION
      local rid = req(row, "recommendation_id")
      if ins.recs[rid] then fail("recommendation_id", "%s appears twice for inspection %s", rid, id) end
      ins.recs[rid] = true
      local std_code = opt(row, "standard_code")
      if std_code then std_code = standard(ins, "standard_code", std_code) end
      local status = opt(row, "recommendation_status")
      if status then
        status = status:upper():gsub("[ -]", "_")
        if not REC_STATUS[status] then
          fail("recommendation_status", "'%s' is not one of OPEN, IN_PROGRESS, IMPLEMENTED, REJECTED, OVERDUE",
               row.recommendation_status)
        end
      end
      local due = opt(row, "recommendation_due")
      local sdate = opt(row, "recommendation_status_date")
      out:recommendation{
        key = { id, rid },
        event = id,
        text = req(row, "recommendation_text"),
        framework = std_code and ins.framework or nil,
        code = std_code,
        owner = opt(row, "recommendation_owner"),
        due = due and date("recommendation_due", due) or nil,
        status = status,
        status_date = sdate and date("recommendation_status_date", sdate) or nil,
      }
    end
  end
  declare_scope(state, out, "hmip-")
end

-- ------------------------------------------------------------------ cases
local function parse_cases(src, out)
  local state = { inspections = {}, order = {}, units = {} }

  for row in src:csv{ header = true } do
    local ins = inspection(state, row, out)
    local id = ins.id
    local crn = req(row, "crn"):upper()
    if not crn:match("^[A-Z]%d%d%d%d%d%d$") then
      fail("crn", "'%s' is not a case reference number (a letter and six digits, e.g. X320741)", row.crn)
    end
    local kq = req(row, "key_question_code")
    local code, std_code, strand = key_question(ins, "key_question_code", kq, opt(row, "strand"))
    local given = opt(row, "standard_code")
    if given and standard(ins, "standard_code", given) ~= std_code then
      fail("standard_code", "'%s' does not match key question %s", given, kq)
    end
    local a = req(row, "answer")
    local answer = ANSWERS[a:lower()]
    if not answer then fail("answer", "'%s' is not Yes, No or NA", a) end
    local seen = crn .. "|" .. code
    if ins.answers[seen] then
      fail("key_question_code", "case %s is answered twice for %s in inspection %s", crn, code, id)
    end
    ins.answers[seen] = true
    out:assessment{ key = { id, crn, code }, event = id, framework = ins.framework, code = code,
                    strand = strand, case = crn, rating = answer }
  end
  declare_scope(state, out, "hmip-cases-")
end

-- ------------------------------------------------------------------ plugin
local function format_of(src)
  local set = header_set(src)
  if has_all(set, RESULTS_COLUMNS) then return "results" end
  if has_all(set, CASES_COLUMNS) and not set.record_type then return "cases" end
  return nil
end

return concord.plugin {
  api = 1,
  name = "hmip",
  body = "HMIP",
  version = "1.0.0",
  identity_version = 1,
  description = "HM Inspectorate of Probation inspection results, recommendations and case samples (CSV)",

  detect = function(src)
    if not format_of(src) then return 0 end
    local name = (src.name or ""):lower()
    return name:match("%.csv$") and 0.95 or 0.9
  end,

  parse = function(src, out)
    local f = format_of(src)
    if f == "results" then
      parse_results(src, out)
    elseif f == "cases" then
      parse_cases(src, out)
    else
      error("header: not an HMIP results or case file: expected the columns "
            .. table.concat(RESULTS_COLUMNS, ", ") .. " or " .. table.concat(CASES_COLUMNS, ", "), 0)
    end
  end,
}
