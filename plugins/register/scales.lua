-- Concord default rating scales (data only: loaded in an empty sandbox, no function calls).
--
-- Every body's raw rating maps onto the common BAND (design.md "The normalised model"):
--   4 = outstanding / exceeds   3 = good / met
--   2 = requires improvement / narrowly missed   1 = inadequate / failed
-- Nothing here is a guess in C: change these tables (or override them in concord.lua) instead.
--
-- Scale kinds:
--   values      raw word or symbol -> band. "order" lists the raw values best first (the
--               checker proves bands never rise along it); "aliases" are other spellings of
--               a value. Matching is meant to be case-insensitive after trimming and
--               collapsing white space; aliases cover spellings that differ otherwise.
--   thresholds  a number (per cent, or points) -> band: value >= thresholds[1] gives 4,
--               >= thresholds[2] gives 3, >= thresholds[3] gives 2, otherwise 1.
--   target      a value compared with its target (see "value-vs-target").
--   classes     a case-level answer -> sufficient / insufficient / not applicable. Not a band:
--               answers are counted per unit, code and period, and the share sufficient is
--               banded with "percent-sufficient" (as HMIP does, domain.md 1.4).
-- Marks as in domain.md: [S] sourced, [R] unchecked background knowledge, [I] our decision.
return {
  scales = {
    -- HMIP words, for each standard and overall [S HMIP "our standards and ratings"].
    { name = "hmip-words", kind = "values",
      values = { Outstanding = 4, Good = 3, ["Requires improvement"] = 2, Inadequate = 1 },
      order = { "Outstanding", "Good", "Requires improvement", "Inadequate" },
      aliases = { ["Requires Improvement"] = "Requires improvement", RI = "Requires improvement",
                  ["Requiring improvement"] = "Requires improvement",
                  ["Requires improvements"] = "Requires improvement" } },

    -- HMIP points per standard: Outstanding 3, Good 2, RI 1, Inadequate 0 [R], consistent with
    -- "2 points out of a possible 27" [S].
    { name = "hmip-points", kind = "values",
      values = { ["3"] = 4, ["2"] = 3, ["1"] = 2, ["0"] = 1 },
      order = { "3", "2", "1", "0" } },

    -- Share of cases judged sufficient on a key question: 80%+ large majority (Outstanding),
    -- 65-79% reasonable majority (Good), 50-64% too few (RI), under 50% minority (Inadequate)
    -- [R, domain.md 1.4 and open question 1]. A standard takes the band of its LOWEST key
    -- question [R]; that rule belongs to the normaliser's aggregation settings, not here.
    { name = "percent-sufficient", kind = "thresholds", unit = "percent",
      thresholds = { 80, 65, 50 } },

    -- HMIP-2018 overall score: sum of 10 standards' points, 0-30; 26-30 Outstanding, 16-25 Good,
    -- 6-15 Requires improvement, 0-5 Inadequate [total S2, bands R]. PDU-2021 (0-27) bands
    -- were not retrieved, so no default scale is given for them [I: configure when known].
    { name = "hmip-overall-2018", kind = "thresholds", unit = "points", max = 30,
      thresholds = { 26, 16, 6 } },

    -- A measured value against its target (contract measures; targets are dated per-measure
    -- configuration, domain.md 2.1). OUR CHOICE [I], domain.md is silent:
    --   value >= target + exceeded_margin            -> 4 (exceeds)
    --   target <= value < target + exceeded_margin   -> 3 (met)
    --   target - missed_margin <= value < target     -> 2 (narrowly missed)
    --   value < target - missed_margin               -> 1 (failed)
    -- Margins are in the value's own units (percentage points for the per-cent measures).
    -- A target of 100% can therefore never give 4, which is right: nobody exceeds it.
    -- Measures marked direction = "lower" in their crosswalk (reoffending) are compared the
    -- other way round (value <= target is met).
    { name = "value-vs-target", kind = "target", unit = "points",
      exceeded_margin = 5, missed_margin = 5 },

    -- Four-level RAG as in government assurance and delivery-confidence ratings (domain.md 3:
    -- "Green, Amber/Green, Amber/Red, Red" [R]). OUR CHOICE [I]: Green is the top of four levels,
    -- like "Substantial assurance", so it is band 4; Amber/Green 3 (acceptable, some issues);
    -- Amber/Red 2 (significant issues, not failed); Red 1. A plain "Amber" (three-level RAG
    -- read with this scale) is treated as Amber/Red, band 2: it means "not yet met".
    { name = "rag", kind = "values",
      values = { Green = 4, ["Amber/Green"] = 3, ["Amber/Red"] = 2, Red = 1 },
      order = { "Green", "Amber/Green", "Amber/Red", "Red" },
      aliases = { G = "Green", ["Amber-Green"] = "Amber/Green", ["Amber Green"] = "Amber/Green",
                  ["Amber / Green"] = "Amber/Green", AG = "Amber/Green", ["A/G"] = "Amber/Green",
                  ["Amber-Red"] = "Amber/Red", ["Amber Red"] = "Amber/Red", ["Amber / Red"] = "Amber/Red",
                  AR = "Amber/Red", ["A/R"] = "Amber/Red", Amber = "Amber/Red", A = "Amber/Red",
                  R = "Red" } },

    -- Three-level RAG, for sources that use only Green / Amber / Red [I]: Green there means
    -- "met", not "exceeds", so it is band 3. Not a default; select it per source.
    { name = "rag3", kind = "values",
      values = { Green = 3, Amber = 2, Red = 1 },
      order = { "Green", "Amber", "Red" },
      aliases = { G = "Green", A = "Amber", R = "Red" } },

    -- Government internal-audit style opinions (domain.md 3 [R], unconfirmed). "No assurance"
    -- is the same opinion as Unsatisfactory, so it is an alias, not a second band-1 value.
    -- "Moderate" is the Government Internal Audit Agency's word for the second level [R].
    { name = "assurance", kind = "values",
      values = { Substantial = 4, Reasonable = 3, Limited = 2, Unsatisfactory = 1 },
      order = { "Substantial", "Reasonable", "Limited", "Unsatisfactory" },
      aliases = { ["Substantial assurance"] = "Substantial", ["Reasonable assurance"] = "Reasonable",
                  Moderate = "Reasonable", ["Moderate assurance"] = "Reasonable",
                  ["Limited assurance"] = "Limited", ["Unsatisfactory assurance"] = "Unsatisfactory",
                  No = "Unsatisfactory", ["No assurance"] = "Unsatisfactory" } },

    -- Older NOMS area audits: "Compliant / Non-Compliant with Key Audit Baselines" [S PSO 4615].
    -- OUR CHOICE [I]: compliant = met (3), non-compliant = failed (1); the scale has no
    -- "exceeds" and no "narrowly missed".
    { name = "compliance", kind = "values",
      values = { Compliant = 3, ["Non-compliant"] = 1 },
      order = { "Compliant", "Non-compliant" },
      aliases = { ["Non-Compliant"] = "Non-compliant", ["Non compliant"] = "Non-compliant",
                  ["Not compliant"] = "Non-compliant" } },

    -- Probation Scorecard overall rating: good / requiring improvement / inadequate
    -- [S CPA-2023, CPA-2024]. No "outstanding" level was published.
    { name = "scorecard", kind = "values",
      values = { Good = 3, ["Requiring improvement"] = 2, Inadequate = 1 },
      order = { "Good", "Requiring improvement", "Inadequate" },
      aliases = { ["Requires improvement"] = "Requiring improvement",
                  ["Requiring Improvement"] = "Requiring improvement" } },

    -- Case-level answers (HMIP key questions per case [S], Y/N/NA coding [R]; internal QA
    -- answers Y|N|NA|partial, domain.md 4 [I]). OUR CHOICE [I]: "partial" counts as
    -- INSUFFICIENT, because HMIP counts a case as sufficient only when the key question is met
    -- in full, and counting partials as sufficient would make internal audits look better than
    -- the inspection by construction. Not applicable is left out of the denominator.
    { name = "case-answer", kind = "classes",
      values = { Y = "sufficient", N = "insufficient", NA = "not applicable", partial = "insufficient" },
      aliases = { Yes = "Y", Sufficient = "Y", No = "N", Insufficient = "N",
                  ["N/A"] = "NA", ["Not applicable"] = "NA", ["n.a."] = "NA",
                  Partial = "partial", Partly = "partial", P = "partial" } },
  },

  -- Which scale applies. A claim carries a rating (word or symbol), a value (with or without a
  -- target) or case counts; each kind of input has its own default. For "rating" a list is
  -- tried in order and the first scale that knows the raw value wins (the lists are chosen so
  -- that no raw value is known to two scales in the same list; the checker proves it).
  -- "answer" reads the rating of a claim about ONE case (it carries a CRN): Y/N/NA/partial.
  -- "overall" reads an inspection's total points. Lookup order: framework, then body.
  -- [I] throughout; bodies and frameworks as named in docs/plugins.md.
  defaults = {
    bodies = {
      HMIP     = { rating = { "hmip-words", "hmip-points" }, value = "percent-sufficient", cases = "percent-sufficient",
                   answer = "case-answer" },
      OSAG     = { rating = { "assurance", "rag", "compliance" }, value = "percent-sufficient", cases = "percent-sufficient",
                   answer = "case-answer" },
      CONTRACT = { rating = { "scorecard" }, value = "value-vs-target", cases = "percent-sufficient" },
      IQA      = { rating = { "rag" }, value = "percent-sufficient", cases = "percent-sufficient", answer = "case-answer" },
    },
    frameworks = {
      ["HMIP-2018"]     = { rating = { "hmip-words", "hmip-points" }, value = "percent-sufficient", cases = "percent-sufficient",
                            overall = "hmip-overall-2018" },
      ["HMIP-PDU-2021"] = { rating = { "hmip-words", "hmip-points" }, value = "percent-sufficient", cases = "percent-sufficient" },
      ["HMIP-2023"]     = { rating = { "hmip-words" }, value = "percent-sufficient", cases = "percent-sufficient" },
      ["CONTRACT-CRC"]  = { value = "value-vs-target" },
      ["CONTRACT-NPS"]  = { value = "value-vs-target" },
      ["CONTRACT-PS"]   = { value = "value-vs-target", rating = { "scorecard" } },
      ["OSAG-2019"]     = { rating = { "assurance", "rag", "compliance" }, answer = "case-answer", cases = "percent-sufficient" },
      ["IQA-1"]         = { rating = { "rag" }, answer = "case-answer", cases = "percent-sufficient" },
    },
  },
}
