-- Test-only plugin (tests/e2e/sandbox.sh): written for a future plugin API.
return concord.plugin {
  api = 2,
  name = "t-bad-api",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "sandbox test: plugin API 2",
  detect = function(src) return 0 end,
  parse = function(src, out) end,
}
