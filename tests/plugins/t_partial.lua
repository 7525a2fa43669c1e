-- Test-only plugin (tests/e2e): stops reading early.
--
--   test_partial,action
--
-- action "go": the row is skipped; "stop": return at once, leaving this row
-- neither emitted nor skipped; "break": skip this row, then return without
-- reading the rest of the file.
return concord.plugin {
  api = 1,
  name = "t-partial",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "e2e test plugin: stops reading before the end",
  detect = function(src)
    if src:head(64):find("^test_partial,") then return 0.9 end
    return 0
  end,
  parse = function(src, out)
    for row in src:csv{ header = true } do
      if row.action == "stop" then return end
      out:skip("go")
      if row.action == "break" then return end
    end
  end,
}
