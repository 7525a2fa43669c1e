-- Test-only plugin (tests/e2e/sandbox.sh): loops forever, swallowing the limit error
return concord.plugin {
  api = 1,
  name = "t-sb-loop-pcall",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "sandbox escape test: loops forever, swallowing the limit error",
  detect = function(src) return 0 end,
  parse = function(src, out)
    local n = 0
    while true do
      pcall(function() while true do end end)
      n = n + 1
    end
  end,
}
