"""The audit log: who did which administrative action, when, to what; written in the action's
own transaction and never edited through the application, but for one thing: when a person
deletes their account, their name in the entries about them is replaced (privacy/erasure.py)."""
