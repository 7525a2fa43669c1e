-- Test-only plugin (tests/e2e/import.sh): asks for reuse = true without a header,
-- which src:csv refuses (array rows may differ in length).
return concord.plugin {
  api = 1,
  name = "t-reuse-array",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "e2e test plugin: src:csv reuse without a header",
  detect = function(src) return 0 end,
  parse = function(src, out)
    for row in src:csv{ header = false, reuse = true } do out:skip("never") end
  end,
}
