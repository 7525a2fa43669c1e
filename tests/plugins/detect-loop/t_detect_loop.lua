-- Test-only plugin (tests/e2e/sandbox.sh): its detect never returns, so the
-- instruction budget must stop it; the other plugins must still detect.
return concord.plugin {
  api = 1,
  name = "t-detect-loop",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "sandbox test: detect loops forever",
  detect = function(src) while true do end end,
  parse = function(src, out) error("parse must never run") end,
}
