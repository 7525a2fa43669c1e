-- Test-only plugin (tests/e2e): recommendations, one per row, with the
-- inspection they came from emitted once per distinct event column.
--
--   test_rec_id,event,unit,started,ended,text,status,due
return concord.plugin {
  api = 1,
  name = "t-rec",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "e2e test plugin: recommendations CSV",

  detect = function(src)
    if src:head(64):find("^test_rec_id,") then return 0.9 end
    return 0
  end,

  parse = function(src, out)
    local events = {}
    for row in src:csv{ header = true } do
      if not events[row.event] then
        events[row.event] = true
        out:event{ key = row.event, kind = "INSPECTION", unit = row.unit,
                   started = row.started, ended = row.ended }
      end
      out:recommendation{ key = row.test_rec_id, event = row.event, text = row.text,
                          status = row.status ~= "" and row.status or nil,
                          due = row.due ~= "" and row.due or nil }
    end
  end,
}
