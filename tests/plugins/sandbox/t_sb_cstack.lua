-- Test-only plugin (tests/e2e/sandbox.sh): recurses through a metamethod, so
-- that every level is a C call as well as a Lua one.
return concord.plugin {
  api = 1,
  name = "t-sb-cstack",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "sandbox escape test: recursion through C calls",
  detect = function(src) return 0 end,
  parse = function(src, out)
    local t = setmetatable({}, { __index = function(t, k) return t[k] end })
    return t.anything
  end,
}
