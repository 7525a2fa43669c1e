-- Test-only plugin (tests/e2e/sandbox.sh): recurses without bound
return concord.plugin {
  api = 1,
  name = "t-sb-recursion",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "sandbox escape test: recurses without bound",
  detect = function(src) return 0 end,
  parse = function(src, out)
    local function f(n) return 1 + f(n + 1) end
    f(1)
  end,
}
