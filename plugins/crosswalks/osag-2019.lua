-- HMPPS Operational and System Assurance Group (OSAG) case-file audit, 2019 question set.
-- Data only: loaded in an empty sandbox, no function calls. Fields as in hmip-2018.lua.
--
-- No public OSAG methodology exists (domain.md 3 and 8.4): this question set is OUR PROPOSAL
-- [I], built from what domain.md 3 says OSAG audits check (policy compliance and timeliness:
-- plan within 15 business days, RoSH review on a significant change, contact frequency, breach
-- within policy, domestic abuse and safeguarding checks, OASys countersigning). Every question
-- is answered per case Y (met), N (not met) or NA (does not apply to this case).
-- The OSAG plugin (plugins/osag.lua) keeps its own copy of the codes and strands to validate
-- rows: change both together.
return {
  framework = "OSAG-2019",
  body = "OSAG",
  title = "HMPPS OSAG case-file audit: policy compliance and timeliness (2019 question set, Concord proposal)",
  source = "domain.md 3: OSAG audit content [R/I]; question wording and numbering are ours [I]",

  codes = {
    { code = "Q01", label = "Plan within 15 business days", status = "I",
      question = "Was the initial sentence plan completed within 15 business days of the first appointment?",
      maps = { { area = "CS.PLAN", dimension = "TIMELINESS", relationship = "equal" } } },
    { code = "Q02", label = "Assessment within timescale", status = "I",
      question = "Was the initial OASys assessment, with its risk of serious harm screening, completed within the required timescale?",
      maps = { { area = "CS.ASSESS", dimension = "TIMELINESS", relationship = "equal" } } },
    { code = "Q03", label = "Domestic abuse enquiries made", strand = "SAFE", status = "I",
      question = "Were domestic abuse enquiries made with the police at the start of the sentence, and the result recorded?",
      maps = { { area = "CS.ASSESS", dimension = "COMPLIANCE", relationship = "subset" } } },
    { code = "Q04", label = "Safeguarding enquiries made", strand = "SAFE", status = "I",
      question = "Were child safeguarding enquiries made with children's social care where the policy requires them, and the result recorded?",
      maps = { { area = "CS.ASSESS", dimension = "COMPLIANCE", relationship = "subset" } } },
    { code = "Q05", label = "RoSH reviewed on significant change", strand = "SAFE", status = "I",
      question = "Was the risk of serious harm assessment reviewed after a significant change in the case?",
      maps = { { area = "CS.REVIEW", dimension = "COMPLIANCE", relationship = "subset" },
               { area = "CS.ASSESS", dimension = "COMPLIANCE", relationship = "intersects" } } },
    { code = "Q06", label = "Contact frequency met", strand = "ENGAGE", status = "I",
      question = "Did contact with the person on probation happen as often as their tier and stage of sentence require?",
      maps = { { area = "CS.IMPL", dimension = "COMPLIANCE", relationship = "subset" } } },
    { code = "Q07", label = "Missed appointments followed up", strand = "ENGAGE", status = "I",
      question = "When the person missed an appointment, was it followed up and judged acceptable or unacceptable within 5 business days?",
      maps = { { area = "CS.IMPL", dimension = "COMPLIANCE", relationship = "subset" } } },
    { code = "Q08", label = "Breach action within policy", strand = "SAFE", status = "I",
      question = "Where enforcement was needed, was breach or recall action taken within the timescales the policy sets?",
      maps = { { area = "CS.IMPL", dimension = "TIMELINESS", relationship = "subset" } } },
    { code = "Q09", label = "Plan reviewed on time", status = "I",
      question = "Was the sentence plan reviewed within the timescales the policy sets?",
      maps = { { area = "CS.REVIEW", dimension = "TIMELINESS", relationship = "equal" } } },
    { code = "Q10", label = "OASys countersigned", status = "I",
      question = "Was the OASys assessment countersigned by a manager where the policy requires it, without undue delay?",
      maps = { { area = "CS.OVERSIGHT", dimension = "COMPLIANCE", relationship = "subset" },
               { area = "CS.ASSESS", dimension = "COMPLIANCE", relationship = "intersects" } } },
    { code = "Q11", label = "MAPPA identified and recorded", strand = "SAFE", status = "I",
      question = "Was MAPPA eligibility identified, and the MAPPA category and level recorded and referred where appropriate?",
      maps = { { area = "CS.ASSESS", dimension = "COMPLIANCE", relationship = "subset" } } },
    { code = "Q12", label = "Risk management plan in place", strand = "SAFE", status = "I",
      question = "Is there a risk management plan for a person assessed as medium risk of serious harm or above?",
      maps = { { area = "CS.PLAN", dimension = "COMPLIANCE", relationship = "subset" } } },
    { code = "Q13", label = "Management oversight recorded", status = "I",
      question = "Is management oversight recorded at the points the policy requires (allocation, a change in risk, enforcement)?",
      maps = { { area = "CS.OVERSIGHT", dimension = "COMPLIANCE", relationship = "equal" } } },
  },

  aliases = {},
}
