-- Test-only plugin (tests/e2e/import.sh, "what an answer takes from its event"): case
-- answers keyed by a slot that need not be their question's code, with an optional
-- period of their own. Found by review of schema 5: the stored identity and dates of an
-- answer must follow new versions exactly.
--
--   ans_id,unit,started,ended,crn,slot,question,answer,pstart,pend
return concord.plugin {
  api = 1,
  name = "t-answers",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "e2e test plugin: case answers keyed by slot, with optional own periods",

  detect = function(src)
    if src:head(64):find("^ans_id,") then return 0.95 end
    return 0
  end,

  parse = function(src, out)
    local seen = {}
    for row in src:csv{ header = true } do
      local id = row.ans_id
      if not seen[id] then
        seen[id] = true
        out:event{ key = id, kind = "AUDIT", unit = row.unit, started = row.started,
                   ended = row.ended }
      end
      out:assessment{ key = { id, row.crn, row.slot }, event = id, framework = "TEST-1",
                      code = row.question, case = row.crn, rating = row.answer,
                      period = row.pstart ~= "" and { row.pstart, row.pend } or nil }
    end
  end,
}
