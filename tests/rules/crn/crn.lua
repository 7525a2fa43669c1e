-- Test rule: a raw case reference in an explanation.
return concord.rule {
  api = 1, id = "T_CRN", description = "test: no CRN in explanations",
  run = function(db, out)
    out:flag { members = { { event = 10 } }, explanation = "Case Z731272 was audited twice." }
  end,
}
