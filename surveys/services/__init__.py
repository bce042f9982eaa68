"""Surveys' writes, one module per part of the work: ``design`` (surveys,
questionnaires, versions, the bank), ``sample`` (population, plan, quotas,
assignments), ``collect`` (responses), ``links`` (personal links), ``review``
(approval, flags), ``weighting`` (weights), ``report`` (the report)."""
