-- Test-only plugin (tests/e2e/sandbox.sh): changes the string metatable
return concord.plugin {
  api = 1,
  name = "t-sb-string-meta",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "sandbox escape test: changes the string metatable",
  detect = function(src) return 0 end,
  parse = function(src, out)
    getmetatable("").__index = { upper = function() return "pwned" end }
  end,
}
