"""Files a clinician or an administrator takes away: CSV, XLSX, PDF, JSON and xAPI."""
