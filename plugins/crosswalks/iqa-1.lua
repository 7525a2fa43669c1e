-- Internal quality assurance (provider case audits), question set 1.
-- Data only: loaded in an empty sandbox, no function calls. Fields as in hmip-2018.lua.
--
-- OUR PROPOSAL [I]. Providers audit cases against HMIP-style key questions, using the HMIP
-- effective practice guide for quality assurance and inspection preparation (domain.md 4:
-- ASPIRE, RoSH quality audits, SPO oversight checks, shadow inspections). A1-R3 ask HMIP's key
-- questions for assessment, planning, implementation and delivery, and reviewing, by strand
-- (domain.md 1.3 [R]; the keeping-safe questions for assessment and planning are HMIP's own
-- wording, dynamic C1/C2 [S]). S1-S3 are the RoSH audit questions, M1-M2 the management
-- oversight check. Answers are Y, N, partial (counts as not sufficient) or NA.
-- The IQA plugin (plugins/iqa.lua) keeps its own copy of the codes and strands to validate
-- answers: change both together.
return {
  framework = "IQA-1",
  body = "IQA",
  title = "Internal quality assurance case audit, question set 1 (HMIP-style key questions, RoSH and oversight; Concord proposal)",
  source = "domain.md 4: internal QA tools [R/I]; key questions after domain.md 1.3 [R], C1/C2 wording [S]; "
    .. "RoSH and oversight questions are ours [I]",

  codes = {
    -- Assessment
    { code = "A1", label = "Assessment: engaging the person", strand = "ENGAGE", status = "I",
      question = "Does assessment focus sufficiently on engaging the person on probation?",
      maps = { { area = "CS.ASSESS", dimension = "QUALITY", relationship = "subset" } } },
    { code = "A2", label = "Assessment: offending and desistance", strand = "DESIST", status = "I",
      question = "Does assessment focus sufficiently on the factors linked to offending and desistance?",
      maps = { { area = "CS.ASSESS", dimension = "QUALITY", relationship = "subset" } } },
    { code = "A3", label = "Assessment: keeping other people safe", strand = "SAFE", status = "I",
      question = "Does assessment focus sufficiently on keeping other people safe?",
      maps = { { area = "CS.ASSESS", dimension = "QUALITY", relationship = "subset" } } },
    -- Planning
    { code = "P1", label = "Planning: engaging the person", strand = "ENGAGE", status = "I",
      question = "Does planning focus sufficiently on engaging the person on probation?",
      maps = { { area = "CS.PLAN", dimension = "QUALITY", relationship = "subset" } } },
    { code = "P2", label = "Planning: reducing offending and supporting desistance", strand = "DESIST", status = "I",
      question = "Does planning focus sufficiently on reducing offending and supporting desistance?",
      maps = { { area = "CS.PLAN", dimension = "QUALITY", relationship = "subset" } } },
    { code = "P3", label = "Planning: keeping other people safe", strand = "SAFE", status = "I",
      question = "Does planning focus sufficiently on keeping other people safe?",
      maps = { { area = "CS.PLAN", dimension = "QUALITY", relationship = "subset" } } },
    -- Implementation and delivery
    { code = "I1", label = "Delivery: engagement and compliance", strand = "ENGAGE", status = "I",
      question = "Is the sentence or licence implemented effectively, with a focus on engaging the person and on their compliance?",
      maps = { { area = "CS.IMPL", dimension = "QUALITY", relationship = "subset" } } },
    { code = "I2", label = "Delivery: supporting desistance", strand = "DESIST", status = "I",
      question = "Does the delivery of services effectively support the person's desistance?",
      maps = { { area = "CS.IMPL", dimension = "QUALITY", relationship = "subset" } } },
    { code = "I3", label = "Delivery: keeping other people safe", strand = "SAFE", status = "I",
      question = "Does the delivery of services effectively support the safety of other people?",
      maps = { { area = "CS.IMPL", dimension = "QUALITY", relationship = "subset" } } },
    -- Reviewing
    { code = "R1", label = "Reviewing: compliance and engagement", strand = "ENGAGE", status = "I",
      question = "Does reviewing focus sufficiently on supporting the person's compliance and engagement?",
      maps = { { area = "CS.REVIEW", dimension = "QUALITY", relationship = "subset" } } },
    { code = "R2", label = "Reviewing: supporting desistance", strand = "DESIST", status = "I",
      question = "Does reviewing focus sufficiently on supporting the person's desistance?",
      maps = { { area = "CS.REVIEW", dimension = "QUALITY", relationship = "subset" } } },
    { code = "R3", label = "Reviewing: keeping other people safe", strand = "SAFE", status = "I",
      question = "Does reviewing focus sufficiently on keeping other people safe?",
      maps = { { area = "CS.REVIEW", dimension = "QUALITY", relationship = "subset" } } },
    -- Risk of serious harm (RoSH audit)
    { code = "S1", label = "RoSH level justified", strand = "SAFE", status = "I",
      question = "Is the risk of serious harm level right, and backed by a clear analysis of who is at risk, from what and when?",
      maps = { { area = "CS.ASSESS", dimension = "QUALITY", relationship = "subset" } } },
    { code = "S2", label = "Risk management plan sufficient", strand = "SAFE", status = "I",
      question = "Does the risk management plan set out proportionate actions, including contingency plans, to manage the risk of serious harm?",
      maps = { { area = "CS.PLAN", dimension = "QUALITY", relationship = "subset" } } },
    { code = "S3", label = "Domestic abuse and safeguarding information used", strand = "SAFE", status = "I",
      question = "Were domestic abuse and child safeguarding enquiries made, and was what they found used in the assessment?",
      maps = { { area = "CS.ASSESS", dimension = "COMPLIANCE", relationship = "subset" } } },
    -- Management oversight (MO check)
    { code = "M1", label = "Management oversight sufficient", status = "I",
      question = "Was management oversight sufficient and effective at the points where the case needed it?",
      maps = { { area = "CS.OVERSIGHT", dimension = "QUALITY", relationship = "equal" } } },
    { code = "M2", label = "OASys countersigned on time", status = "I",
      question = "Was the OASys assessment countersigned where required, within the timescale?",
      maps = { { area = "CS.OVERSIGHT", dimension = "COMPLIANCE", relationship = "subset" },
               { area = "CS.ASSESS", dimension = "COMPLIANCE", relationship = "intersects" } } },
  },

  aliases = {},
}
