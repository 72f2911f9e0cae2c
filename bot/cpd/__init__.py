"""CPD credits: framework files, rules, periods, the records writer, progress, import."""
