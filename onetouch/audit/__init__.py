"""The audit log: who did which administrative action, when, to what; written in the action's
own transaction and never edited through the application."""
