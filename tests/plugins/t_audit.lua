-- Test-only plugin (tests/e2e): a small case-file audit export, one row per
-- audit x case x question. Claims only files whose header starts with
-- "test_audit_id," so that it never competes with the built-in plugins.
--
--   test_audit_id,unit,started,ended,crn,question,answer,assessed
--
-- A row whose test_audit_id is SCOPE declares the source's scope:
-- unit = unit codes separated by ';', started/ended = from/to, question = key.
-- A row with an empty answer is skipped ("no answer").
local function split(s)
  local t = {}
  for part in s:gmatch("[^;]+") do t[#t + 1] = part end
  return t
end

local function opt(s)
  if s == nil or s == "" then return nil end
  return s
end

return concord.plugin {
  api = 1,
  name = "t-audit",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "e2e test plugin: case-file audit CSV",

  detect = function(src)
    if src:head(64):find("^test_audit_id,") then return 0.9 end
    return 0
  end,

  parse = function(src, out)
    local seen = {}
    for row in src:csv{ header = true } do
      local id = row.test_audit_id
      if id == "SCOPE" then
        out:scope{ key = opt(row.question), units = opt(row.unit) and split(row.unit),
                   from = opt(row.started), to = opt(row.ended) }
        out:skip("scope declaration")
      elseif row.answer == "" then
        out:skip("no answer")
      else
        if not seen[id] then
          seen[id] = true
          out:event{ key = id, kind = "AUDIT", unit = row.unit, started = row.started,
                     ended = row.ended, title = "Test audit " .. id }
        end
        out:assessment{ key = { id, row.crn, row.question }, event = id,
                        framework = "TEST-1", code = row.question, case = row.crn,
                        rating = row.answer, observed = opt(row.assessed) }
      end
    end
  end,
}
