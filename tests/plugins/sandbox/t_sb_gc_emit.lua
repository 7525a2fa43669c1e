-- Test-only plugin (tests/e2e/sandbox.sh): emits one event per row, then
-- leaves behind a finaliser that tries to emit a "ghost" event when the
-- sandbox is closed, after parse() has returned and the counts are taken.
return concord.plugin {
  api = 1,
  name = "t-sb-gc-emit",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "sandbox test: emits from a finaliser after parse",
  detect = function(src) return 0 end,
  parse = function(src, out)
    for row in src:csv{ header = true } do
      out:event{ key = row.key, kind = "AUDIT", unit = "N54SOT",
                 started = "2021-07-05", ended = "2021-07-09" }
    end
    setmetatable({}, { __gc = function()
      out:event{ key = "ghost", kind = "AUDIT", unit = "N54SOT",
                 started = "2021-07-05", ended = "2021-07-09", at = "ghost" }
    end })
  end,
}
