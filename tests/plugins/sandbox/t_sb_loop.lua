-- Test-only plugin (tests/e2e/sandbox.sh): loops forever
return concord.plugin {
  api = 1,
  name = "t-sb-loop",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "sandbox escape test: loops forever",
  detect = function(src) return 0 end,
  parse = function(src, out)
    while true do end
  end,
}
