"""CPD reflection bot for clinicians: the application package."""

import os

__version__ = "0.1.0"

# PTB 22 returns durations (voice length, retry_after) as ints with a deprecation warning, and
# as timedelta from the next major version on; opt in now so the code has one shape to handle.
os.environ["PTB_TIMEDELTA"] = "1"
