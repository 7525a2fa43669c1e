-- Test-only plugin (tests/e2e/import.sh, "out:answer"): emits each row's case answer
-- either with out:answer (form = answer) or with the out:assessment table it stands for
-- (form = table), so that a test can check both store the same, and out:answer's errors.
--
--   form_id,unit,started,ended,crn,question,answer,strand,comment,form
return concord.plugin {
  api = 1,
  name = "t-answer-form",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "e2e test plugin: out:answer against out:assessment",

  detect = function(src)
    if src:head(64):find("^form_id,") then return 0.95 end
    return 0
  end,

  parse = function(src, out)
    local seen = {}
    for row in src:csv{ header = true } do
      local id = row.form_id
      if not seen[id] then
        seen[id] = true
        out:event{ key = id, kind = "AUDIT", unit = row.unit, started = row.started,
                   ended = row.ended }
      end
      local strand = row.strand ~= "" and row.strand or nil
      local text = row.comment ~= "" and row.comment or nil
      local rating = row.answer ~= "" and row.answer or nil
      if row.form == "answer" then
        out:answer(id, row.crn, "TEST-1", row.question, rating, strand, text)
      else
        out:assessment{ key = { id, row.crn, row.question }, event = id, case = row.crn,
                        framework = "TEST-1", code = row.question, rating = rating,
                        strand = strand, text = text }
      end
    end
  end,
}
