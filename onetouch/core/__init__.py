"""The base layer every feature may use: clock, errors, forms, health, rules, transactions.

It imports no feature package."""
