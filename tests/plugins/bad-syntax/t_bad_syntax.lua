-- Test-only plugin (tests/e2e/sandbox.sh): does not compile.
return concord.plugin {
  api = 1,
  name = "t-bad-syntax"
  body = "TEST",
}
