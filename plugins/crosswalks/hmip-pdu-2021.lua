-- HMIP adult probation inspection framework for Probation Delivery Units, Jun 2021 - 2023.
-- Data only: loaded in an empty sandbox, no function calls. Fields as in hmip-2018.lua.
--
-- 9 standards, max 27 points [S2 RW-LEAGUE; S LLR PDU "two inspection points out of a possible
-- 27"]. Names and numbering are [R]; 2.1 Court work is [R/I] (inferred from the domain's name
-- "court work and case supervision"), and it shifts the case-supervision standards to 2.2-2.5
-- (domain.md 7). That drift is BETWEEN frameworks: PDU-2021 "2.2" is Assessment while
-- HMIP-2018 "2.2" is Planning. Importers must therefore always give the framework; the area
-- maps below make the two comparable. No plain aliases are needed inside this framework.
-- Questions are our plain-words renderings, except the keeping-safe questions for assessment
-- and planning (HMIP's own wording, dynamic C1/C2 [S]).
return {
  framework = "HMIP-PDU-2021",
  body = "HMIP",
  title = "HM Inspectorate of Probation: PDU inspection standards 2021-2023",
  source = "domain.md 1.1-1.3: nine standards under organisational delivery and court work and case supervision [S2 RW-LEAGUE]; 27-point maximum [S HMIP LLR PDU 2023]; standard names and numbers [R]; 2.1 Court work [R/I]; key-question wording [R], keeping-safe questions as dynamic C1/C2 [S HMIP-DYN]",

  codes = {
    -- Domain 1: organisational delivery [R]
    { code = "1.1", label = "Leadership", status = "R",
      question = "Does leadership in the PDU support and promote a high-quality, personalised and responsive service for all people on probation?",
      maps = { { area = "ORG.LEAD", dimension = "QUALITY", relationship = "equal" } } },
    { code = "1.2", label = "Staff", status = "R",
      question = "Are staff in the PDU enabled to deliver a high-quality, personalised and responsive service for all people on probation?",
      maps = { { area = "ORG.STAFF", dimension = "QUALITY", relationship = "equal" } } },
    { code = "1.3", label = "Services", status = "R",
      question = "Is a comprehensive range of high-quality services in place, supporting a tailored and responsive service for all people on probation?",
      maps = { { area = "ORG.SERVICES", dimension = "QUALITY", relationship = "equal" } } },
    { code = "1.4", label = "Information and facilities", status = "R",
      question = "Are timely and relevant information and suitable facilities in place to support a high-quality, personalised and responsive service?",
      maps = { { area = "ORG.INFO", dimension = "QUALITY", relationship = "equal" } } },

    -- Domain 2: court work and case supervision
    { code = "2.1", label = "Court work", status = "I",
      question = "Is the work at court, including advice to court and allocation of cases, well-informed, analytical and personalised?",
      maps = { { area = "SPEC.COURT", dimension = "QUALITY", relationship = "equal" } } },

    { code = "2.2", label = "Assessment", status = "R",
      question = "Is assessment well-informed, analytical and personalised, actively involving the person on probation?",
      maps = { { area = "CS.ASSESS", dimension = "QUALITY", relationship = "equal" } } },
    { code = "2.2.1", label = "Assessment: engaging the person", parent = "2.2", strand = "ENGAGE", status = "R",
      question = "Does assessment focus sufficiently on engaging the person on probation?",
      maps = { { area = "CS.ASSESS", dimension = "QUALITY", relationship = "subset" } } },
    { code = "2.2.2", label = "Assessment: offending and desistance", parent = "2.2", strand = "DESIST", status = "R",
      question = "Does assessment focus sufficiently on the factors linked to offending and desistance?",
      maps = { { area = "CS.ASSESS", dimension = "QUALITY", relationship = "subset" } } },
    { code = "2.2.3", label = "Assessment: keeping other people safe", parent = "2.2", strand = "SAFE", status = "R",
      question = "Does assessment focus sufficiently on keeping other people safe?",
      maps = { { area = "CS.ASSESS", dimension = "QUALITY", relationship = "subset" } } },

    { code = "2.3", label = "Planning", status = "R",
      question = "Is planning well-informed, holistic and personalised, actively involving the person on probation?",
      maps = { { area = "CS.PLAN", dimension = "QUALITY", relationship = "equal" } } },
    { code = "2.3.1", label = "Planning: engaging the person", parent = "2.3", strand = "ENGAGE", status = "R",
      question = "Does planning focus sufficiently on engaging the person on probation?",
      maps = { { area = "CS.PLAN", dimension = "QUALITY", relationship = "subset" } } },
    { code = "2.3.2", label = "Planning: reducing offending and supporting desistance", parent = "2.3", strand = "DESIST", status = "R",
      question = "Does planning focus sufficiently on reducing offending and supporting desistance?",
      maps = { { area = "CS.PLAN", dimension = "QUALITY", relationship = "subset" } } },
    { code = "2.3.3", label = "Planning: keeping other people safe", parent = "2.3", strand = "SAFE", status = "R",
      question = "Does planning focus sufficiently on keeping other people safe?",
      maps = { { area = "CS.PLAN", dimension = "QUALITY", relationship = "subset" } } },

    { code = "2.4", label = "Implementation and delivery", status = "R",
      question = "Are high-quality, well-focused, personalised and coordinated services delivered, engaging the person on probation?",
      maps = { { area = "CS.IMPL", dimension = "QUALITY", relationship = "equal" } } },
    { code = "2.4.1", label = "Implementation and delivery: engagement and compliance", parent = "2.4", strand = "ENGAGE", status = "R",
      question = "Is the sentence or licence implemented effectively, with a focus on engaging the person and on their compliance?",
      maps = { { area = "CS.IMPL", dimension = "QUALITY", relationship = "subset" } } },
    { code = "2.4.2", label = "Implementation and delivery: supporting desistance", parent = "2.4", strand = "DESIST", status = "R",
      question = "Does the delivery of services effectively support the person's desistance?",
      maps = { { area = "CS.IMPL", dimension = "QUALITY", relationship = "subset" } } },
    { code = "2.4.3", label = "Implementation and delivery: keeping other people safe", parent = "2.4", strand = "SAFE", status = "R",
      question = "Does the delivery of services effectively support the safety of other people?",
      maps = { { area = "CS.IMPL", dimension = "QUALITY", relationship = "subset" } } },

    { code = "2.5", label = "Reviewing", status = "R",
      question = "Is reviewing of progress well-informed, analytical and personalised, actively involving the person on probation?",
      maps = { { area = "CS.REVIEW", dimension = "QUALITY", relationship = "equal" } } },
    { code = "2.5.1", label = "Reviewing: compliance and engagement", parent = "2.5", strand = "ENGAGE", status = "R",
      question = "Does reviewing focus sufficiently on supporting the person's compliance and engagement?",
      maps = { { area = "CS.REVIEW", dimension = "QUALITY", relationship = "subset" } } },
    { code = "2.5.2", label = "Reviewing: supporting desistance", parent = "2.5", strand = "DESIST", status = "R",
      question = "Does reviewing focus sufficiently on supporting the person's desistance?",
      maps = { { area = "CS.REVIEW", dimension = "QUALITY", relationship = "subset" } } },
    { code = "2.5.3", label = "Reviewing: keeping other people safe", parent = "2.5", strand = "SAFE", status = "R",
      question = "Does reviewing focus sufficiently on keeping other people safe?",
      maps = { { area = "CS.REVIEW", dimension = "QUALITY", relationship = "subset" } } },
  },

  aliases = {},
}
