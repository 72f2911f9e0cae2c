"""A clinician's rights over their own data, whatever their organisations: who sees what,
everything in one download, and erasing the account."""
