-- Test-only plugin (tests/e2e/sandbox.sh): allocates without bound
return concord.plugin {
  api = 1,
  name = "t-sb-memory",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "sandbox escape test: allocates without bound",
  detect = function(src) return 0 end,
  parse = function(src, out)
    local t = {}
    while true do t[#t + 1] = string.rep("x", 1 << 20) .. #t end
  end,
}
