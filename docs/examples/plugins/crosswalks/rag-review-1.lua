-- The themes of the regional assurance review, on the common taxonomy (data only).
return {
  framework = "RAG-REVIEW-1",
  body = "IQA",
  title = "Regional assurance review themes",
  source = "the region's own review template",
  codes = {
    { code = "LEAD", label = "Leadership",
      question = "Does the PDU's leadership drive the quality of practice?",
      maps = { { area = "ORG.LEAD", dimension = "QUALITY", relationship = "equal" } } },
    { code = "PLAN", label = "Sentence planning",
      question = "Are sentence plans of good quality and agreed with the person?",
      maps = { { area = "CS.PLAN", dimension = "QUALITY", relationship = "equal" } } },
    { code = "RISK", label = "Risk management", strand = "SAFE",
      question = "Is risk of serious harm assessed and managed well?",
      maps = { { area = "CS.ASSESS", dimension = "QUALITY", relationship = "subset" },
               { area = "CS.PLAN", dimension = "QUALITY", relationship = "subset" } } },
    { code = "OVERSIGHT", label = "Management oversight",
      question = "Do managers oversee cases effectively?",
      maps = { { area = "CS.OVERSIGHT", dimension = "QUALITY", relationship = "equal" } } },
  },
}
