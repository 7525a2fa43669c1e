-- Test-only plugin (tests/e2e/sandbox.sh): uses the debug library
return concord.plugin {
  api = 1,
  name = "t-sb-debug",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "sandbox escape test: uses the debug library",
  detect = function(src) return 0 end,
  parse = function(src, out)
    debug.getinfo(1)
  end,
}
