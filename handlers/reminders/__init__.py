"""/remind, reminder buttons and the sweep's job."""
