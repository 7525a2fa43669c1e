-- Test-only plugin (tests/e2e/sandbox.sh): compiles a string
return concord.plugin {
  api = 1,
  name = "t-sb-load",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "sandbox escape test: compiles a string",
  detect = function(src) return 0 end,
  parse = function(src, out)
    load("return 1")()
  end,
}
