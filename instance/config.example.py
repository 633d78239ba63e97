# Copy to instance/config.py. Environment variables ONETOUCH_<NAME> override these.

# PostgreSQL instead of the embedded SQLite database:
# DATABASE_URL = "postgresql://onetouch:secret@127.0.0.1/onetouch"

# Where the course library lives (default: courses/ beside the onetouch package):
# COURSES_PATH = "/srv/onetouch/courses"
