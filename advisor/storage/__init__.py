"""The user's files: where they live and how they are read and written, one implementation each.

paths.py      where every user file lives (platformdirs, or all under ADVISOR_HOME)
atomic.py     crash-safe writes: temporary file, fsync, rename, fsync the folder
backups.py    rotating backups before a save; moving an unreadable file aside (quarantine)
locks.py      an exclusive lock between running copies around a read-merge-write
migrations.py registered steps that upgrade an old file version on load; newer files are refused
reading.py    the capped read every reader uses (size cap, NUL-byte names refused)
problems.py   `Problem` (what is wrong, where) and `ProblemError`, the base of every file error

The layer below the catalog: it knows files, not models, so it imports nothing else of the program
but advisor.errors. What a file means (schemas, migration steps) lives with the layer that owns it.
"""
