-- Internal quality assurance (IQA): a provider's own case audits, RoSH audits, management
-- oversight checks and shadow inspections, as a nested JSON export.
--
--   { "export": { ... }, "audits": [ { "audit_id", "audit_type", "unit_code", "audit_date",
--       "tool_version", "cases": [ { "crn", "event_no", "answers": [ { "question", "answer",
--       "strand", "comment" } ] } ], "actions": [ ... ] } ] }
--
-- Key by key in docs/formats.md ("iqa export"). The export shape and the IQA-1 question set
-- (plugins/crosswalks/iqa-1.lua) are our proposal after domain.md 4 [I]. Each audit is one
-- event, each answer one assessment about one case, each action one recommendation. Every
-- record points back at the JSON table it came from (at = ...).

local null = concord.null
local trim = concord.trim

-- Question sets: code -> strand ("" when the question has no strand). Keep in step with
-- plugins/crosswalks/iqa-1.lua.
local TOOLS = {
  ["IQA-1"] = {
    A1 = "ENGAGE", A2 = "DESIST", A3 = "SAFE",
    P1 = "ENGAGE", P2 = "DESIST", P3 = "SAFE",
    I1 = "ENGAGE", I2 = "DESIST", I3 = "SAFE",
    R1 = "ENGAGE", R2 = "DESIST", R3 = "SAFE",
    S1 = "SAFE", S2 = "SAFE", S3 = "SAFE",
    M1 = "", M2 = "",
  },
}

local KINDS = { CASE_AUDIT = "QA_AUDIT", OASYS_QA = "QA_AUDIT", ROSH_AUDIT = "ROSH_AUDIT",
                MO_CHECK = "MO_CHECK", SHADOW_INSPECTION = "SHADOW_INSPECTION" }
local TITLES = { CASE_AUDIT = "Internal case audit", OASYS_QA = "OASys quality assurance",
                 ROSH_AUDIT = "Internal RoSH audit", MO_CHECK = "Management oversight check",
                 SHADOW_INSPECTION = "Shadow inspection" }
local ANSWERS = { Y = "Y", N = "N", NA = "NA", PARTIAL = "partial" }
local STRANDS = { ENGAGE = true, DESIST = true, SAFE = true }
local STATUS = { OPEN = true, IN_PROGRESS = true, IMPLEMENTED = true, REJECTED = true, OVERDUE = true }

local function fail(path, fmt, ...)
  error(path .. ": " .. string.format(fmt, ...), 0)
end

local function absent(v)
  return v == nil or v == null
end

-- A string field (numbers are accepted and converted); nil when absent or empty.
local function str(t, k, path)
  local v = t[k]
  if absent(v) then return nil end
  if math.type(v) == "integer" then v = tostring(v) end
  if type(v) ~= "string" then fail(path .. "/" .. k, "expected a string, got a %s", type(v)) end
  v = trim(v)
  if v == "" then return nil end
  return v
end

local function need(t, k, path)
  local v = str(t, k, path)
  if not v then fail(path .. "/" .. k, "required") end
  return v
end

local function date(t, k, path, required)
  local v = required and need(t, k, path) or str(t, k, path)
  if not v then return nil end
  local ok, d = pcall(concord.date, v)
  if not ok then fail(path .. "/" .. k, "%s", tostring(d)) end
  return d
end

local function list(t, k, path, required)
  local v = t[k]
  if absent(v) then
    if required then fail(path .. "/" .. k, "required (a list)") end
    return {}
  end
  if type(v) ~= "table" or (next(v) ~= nil and v[1] == nil) then
    fail(path .. "/" .. k, "expected a list")
  end
  return v
end

local function object(v, path)
  if type(v) ~= "table" or v == null then fail(path, "expected an object") end
  return v
end

return concord.plugin {
  api = 1,
  name = "iqa",
  body = "IQA",
  version = "1.0.0",
  identity_version = 1,
  description = "Internal quality assurance audits: case audits, RoSH audits, oversight checks, shadow inspections (JSON)",

  detect = function(src)
    local head = src:head(4096) or ""
    if not head:match("^%s*{") then return 0 end
    if not (head:find('"audits"%s*:') and head:find('"audit_type"%s*:')) then return 0 end
    local name = (src.name or ""):lower()
    return name:match("%.json$") and 0.95 or 0.9
  end,

  parse = function(src, out)
    local doc = object(src:json(), "/")
    local export = doc.export
    if absent(export) then export = {} else object(export, "/export") end
    local audits = list(doc, "audits", "", true)

    local exp_from = date(export, "from", "/export")
    local exp_to = date(export, "to", "/export")
    if exp_from and exp_to and exp_to < exp_from then
      fail("/export/to", "%s is before from %s", exp_to, exp_from)
    end
    local provider = str(export, "provider", "/export")

    local seen_audits, units = {}, {}
    local from, to, ids = nil, nil, {}

    for i, a in ipairs(audits) do
      local ap = "/audits/" .. (i - 1)
      object(a, ap)
      local aid = need(a, "audit_id", ap)
      if seen_audits[aid] then fail(ap .. "/audit_id", "%s appears twice in the export", aid) end
      seen_audits[aid] = true
      ids[#ids + 1] = aid

      local atype = need(a, "audit_type", ap):upper()
      local kind = KINDS[atype]
      if not kind then
        fail(ap .. "/audit_type", "'%s' is not one of CASE_AUDIT, ROSH_AUDIT, MO_CHECK, SHADOW_INSPECTION, OASYS_QA",
             a.audit_type)
      end
      local unit = str(a, "unit_code", ap) or str(a, "unit_name", ap)
      if not unit then fail(ap .. "/unit_code", "required: give unit_code or unit_name") end
      local tool = need(a, "tool_version", ap)
      local questions = TOOLS[tool]
      if not questions then fail(ap .. "/tool_version", "'%s' is not a known question set (known: IQA-1)", tool) end

      -- One day (audit_date), or a span (audit_start .. audit_end).
      local started = date(a, "audit_start", ap) or date(a, "audit_date", ap, true)
      local ended = date(a, "audit_end", ap) or started
      if ended < started then fail(ap .. "/audit_end", "%s is before the audit's start %s", ended, started) end
      if exp_from and started < exp_from or exp_to and ended > exp_to then
        fail(ap .. "/audit_date", "%s..%s lies outside the export's period %s..%s", started, ended,
             exp_from or "", exp_to or "")
      end
      local hours = a.staff_hours
      if absent(hours) then hours = nil
      elseif type(hours) ~= "number" or hours < 0 then
        fail(ap .. "/staff_hours", "expected a number of hours >= 0")
      end

      local cases = list(a, "cases", ap, true)
      out:event{ key = aid, kind = kind, unit = unit, started = started, ended = ended,
                 title = TITLES[atype], reference = aid, cases_sampled = #cases,
                 staff_hours = hours, at = a }
      units[unit] = true
      if not from or started < from then from = started end
      if not to or ended > to then to = ended end

      local seen = {}
      for j, c in ipairs(cases) do
        local cp = ap .. "/cases/" .. (j - 1)
        object(c, cp)
        local crn = need(c, "crn", cp):upper()
        if not crn:match("^[A-Z]%d%d%d%d%d%d$") then
          fail(cp .. "/crn", "'%s' is not a case reference number (a letter and six digits, e.g. X320741)", c.crn)
        end
        -- The sentence's event number; 0 in the key when the export does not give it.
        local ev = c.event_no
        if absent(ev) then
          ev = 0
        else
          if type(ev) ~= "number" or ev ~= math.floor(ev) then
            fail(cp .. "/event_no", "expected a whole number (the sentence's event number)")
          end
          ev = math.tointeger(ev)
          if ev < 1 then fail(cp .. "/event_no", "must be 1 or more") end
        end
        for k, ans in ipairs(list(c, "answers", cp, true)) do
          local qp = cp .. "/answers/" .. (k - 1)
          object(ans, qp)
          local q = need(ans, "question", qp):upper()
          local qstrand = questions[q]
          if not qstrand then fail(qp .. "/question", "'%s' is not a question of %s", ans.question, tool) end
          local raw = need(ans, "answer", qp)
          local answer = ANSWERS[raw:upper()]
          if not answer then fail(qp .. "/answer", "'%s' is not one of Y, N, NA, partial", raw) end
          local strand = str(ans, "strand", qp)
          if strand then
            strand = strand:upper()
            if not STRANDS[strand] then fail(qp .. "/strand", "'%s' is not one of ENGAGE, DESIST, SAFE", ans.strand) end
            if qstrand ~= "" and strand ~= qstrand then
              fail(qp .. "/strand", "'%s' does not match question %s, which is %s", ans.strand, q, qstrand)
            end
          elseif qstrand ~= "" then
            strand = qstrand
          end
          local id = crn .. "|" .. ev .. "|" .. q
          if seen[id] then fail(qp .. "/question", "%s is answered twice for case %s", q, crn) end
          seen[id] = true
          out:assessment{ key = { aid, crn, ev, q }, event = aid, framework = tool, code = q,
                          strand = strand, case = crn, rating = answer,
                          text = str(ans, "comment", qp), at = ans }
        end
      end

      local seen_actions = {}
      for k, act in ipairs(list(a, "actions", ap, false)) do
        local xp = ap .. "/actions/" .. (k - 1)
        object(act, xp)
        local xid = need(act, "action_id", xp)
        if seen_actions[xid] then fail(xp .. "/action_id", "%s appears twice in audit %s", xid, aid) end
        seen_actions[xid] = true
        local q = str(act, "question", xp)
        if q then
          q = q:upper()
          if not questions[q] then fail(xp .. "/question", "'%s' is not a question of %s", act.question, tool) end
        end
        local status = str(act, "status", xp)
        if status then
          status = status:upper():gsub("[ -]", "_")
          if not STATUS[status] then
            fail(xp .. "/status", "'%s' is not one of OPEN, IN_PROGRESS, IMPLEMENTED, REJECTED, OVERDUE", act.status)
          end
        end
        out:recommendation{ key = { aid, xid }, event = aid, text = need(act, "text", xp),
                            framework = q and tool or nil, code = q, owner = str(act, "owner", xp),
                            due = date(act, "due", xp), status = status,
                            status_date = date(act, "status_date", xp), at = act }
      end
    end

    if #ids == 0 then return end
    local ulist = {}
    for u in pairs(units) do ulist[#ulist + 1] = u end
    table.sort(ulist)
    local key
    if exp_from and exp_to then
      key = "iqa-" .. (provider or table.concat(ulist, "+")) .. "-" .. exp_from .. "-" .. exp_to
    elseif #ids == 1 then
      key = "iqa-" .. ids[1]
    else
      key = "iqa-" .. (provider or table.concat(ulist, "+")) .. "-" .. from .. "-" .. to
    end
    out:scope{ key = key, units = #ulist <= 256 and ulist or nil,
               from = exp_from or from, to = exp_to or to }
  end,
}
