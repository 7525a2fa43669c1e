-- Test-only plugin (tests/e2e/sandbox.sh): opens a file for writing
return concord.plugin {
  api = 1,
  name = "t-sb-io-open",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "sandbox escape test: opens a file for writing",
  detect = function(src) return 0 end,
  parse = function(src, out)
    io.open("/tmp/concord-sandbox-escaped", "w"):write("x")
  end,
}
