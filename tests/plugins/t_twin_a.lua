-- Test-only plugin (tests/e2e): t-twin-a and t-twin-b both claim files whose
-- header starts with "test_twin," at 0.9, to test ambiguous detection.
return concord.plugin {
  api = 1,
  name = "t-twin-a",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "e2e test plugin: ambiguous twin a",
  detect = function(src)
    if src:head(64):find("^test_twin,") then return 0.9 end
    return 0
  end,
  parse = function(src, out)
    for row in src:csv{ header = true } do out:skip("twin") end
  end,
}
