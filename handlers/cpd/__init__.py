"""/summary, /export, /admin_export and /import."""
