-- Test-only plugin (tests/e2e/sandbox.sh): runs a shell command
return concord.plugin {
  api = 1,
  name = "t-sb-os-execute",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "sandbox escape test: runs a shell command",
  detect = function(src) return 0 end,
  parse = function(src, out)
    os.execute("touch /tmp/concord-sandbox-escaped")
  end,
}
