-- Test-only plugin (tests/e2e/sandbox.sh): runs a slow pattern match inside one C call
return concord.plugin {
  api = 1,
  name = "t-sb-pattern",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "sandbox escape test: runs a slow pattern match inside one C call",
  detect = function(src) return 0 end,
  parse = function(src, out)
    local s = string.rep("a", 3000)
    s:find(string.rep(".-", 12) .. "b")
  end,
}
