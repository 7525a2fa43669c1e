-- Test-only plugin (tests/e2e/sandbox.sh): loads a C module
return concord.plugin {
  api = 1,
  name = "t-sb-require",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "sandbox escape test: loads a C module",
  detect = function(src) return 0 end,
  parse = function(src, out)
    require("os")
  end,
}
