-- Test-only crosswalk (tests/e2e) for the framework the test plugins use.
-- The areas are the built-in taxonomy's (plugins/register/taxonomy.lua).
return {
  framework = "TEST-1",
  body = "TEST",
  title = "e2e test questions",
  source = "tests/e2e",
  codes = {
    { code = "Q1", label = "Test question 1", question = "Is test question 1 met?",
      maps = { { area = "CS.ASSESS", dimension = "QUALITY", relationship = "subset" } } },
    { code = "Q2", label = "Test question 2", question = "Is test question 2 met?", strand = "SAFE",
      maps = { { area = "CS.PLAN", dimension = "QUALITY", relationship = "subset" } } },
  },
}
