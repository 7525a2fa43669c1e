-- Test-only plugin (tests/e2e/sandbox.sh): its detect raises an error on every
-- file, so it must score 0 and never claim anything.
return concord.plugin {
  api = 1,
  name = "t-sb-detect-error",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "sandbox test: detect raises an error",
  detect = function(src) error("detect exploded") end,
  parse = function(src, out) error("parse must never run") end,
}
