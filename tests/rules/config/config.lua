-- Test rule: reads its settings.
return concord.rule {
  api = 1, id = "T_CONFIG", description = "test: settings",
  run = function(db, out, config)
    out:flag {
      members = { { event = 10 } },
      explanation = string.format("days=%s (%s) name=%s flagged=%s missing=%s",
        tostring(config.days), math.type(config.days), tostring(config.name),
        tostring(config.flagged), tostring(config.missing)),
    }
  end,
}
