-- Test-only plugin (tests/e2e/sandbox.sh): dumps bytecode
return concord.plugin {
  api = 1,
  name = "t-sb-string-dump",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "sandbox escape test: dumps bytecode",
  detect = function(src) return 0 end,
  parse = function(src, out)
    local f = string.dump(function() end)
  end,
}
