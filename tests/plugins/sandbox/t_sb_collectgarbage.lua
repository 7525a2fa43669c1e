-- Test-only plugin (tests/e2e/sandbox.sh): drives the collector
return concord.plugin {
  api = 1,
  name = "t-sb-collectgarbage",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "sandbox escape test: drives the collector",
  detect = function(src) return 0 end,
  parse = function(src, out)
    collectgarbage("stop")
  end,
}
