"""Settings for the test suite: the real settings module in its ``test`` mode."""

import os

os.environ["CLOSELOOP_ENV"] = "test"

from closeloop.settings import *  # noqa: E402, F403
