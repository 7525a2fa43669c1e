-- Test-only plugin (tests/e2e/sandbox.sh): asks for one huge string
return concord.plugin {
  api = 1,
  name = "t-sb-huge-string",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "sandbox escape test: asks for one huge string",
  detect = function(src) return 0 end,
  parse = function(src, out)
    local s = string.rep("x", 1 << 30)
  end,
}
