-- Test-only plugin (tests/e2e/sandbox.sh): compiles a file
return concord.plugin {
  api = 1,
  name = "t-sb-loadfile",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "sandbox escape test: compiles a file",
  detect = function(src) return 0 end,
  parse = function(src, out)
    loadfile("/etc/passwd")
  end,
}
