-- Test-only rating scales (tests/e2e): the body TEST of the test plugins gets
-- its own scales, so that the e2e tests do not depend on the built-in ones.
return {
  scales = {
    { name = "test-words", kind = "values",
      values = { Good = 3, Poor = 1, Y = 3, N = 1 },
      order = { "Good", "Y", "Poor", "N" } },
    { name = "test-percent", kind = "thresholds", unit = "percent", thresholds = { 80, 65, 50 } },
    { name = "test-answer", kind = "classes",
      values = { Y = "sufficient", N = "insufficient", NA = "not applicable" } },
  },
  defaults = {
    bodies = {
      TEST = { rating = { "test-words" }, value = "test-percent", cases = "test-percent",
               answer = "test-answer" },
    },
  },
}
