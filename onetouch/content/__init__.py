"""Course content: ``courses/`` on disk, validated, rendered once, stored."""
