-- Test-only plugin (tests/e2e/sandbox.sh): when loaded, it replaces string.find
-- in the library that every plugin's strings share, to see whether one
-- plugin can change how the others detect their files.
string.find = function() return nil end
return concord.plugin {
  api = 1,
  name = "t-meddle",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "sandbox test: tampers with the shared string library",
  detect = function(src) return 0 end,
  parse = function(src, out) error("parse must never run") end,
}
