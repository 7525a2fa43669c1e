-- Test-only crosswalk (tests/e2e) for the JSON test plugin's framework.
return {
  framework = "TEST-J",
  body = "TEST",
  title = "e2e test JSON ratings",
  source = "tests/e2e",
  codes = {
    { code = "1.1", label = "Test standard 1.1", question = "Is standard 1.1 met?",
      maps = { { area = "ORG.LEAD", dimension = "QUALITY", relationship = "subset" } } },
    { code = "1.2", label = "Test standard 1.2", question = "Is standard 1.2 met?",
      maps = { { area = "ORG.STAFF", dimension = "QUALITY", relationship = "subset" } } },
  },
}
