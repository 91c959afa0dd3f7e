"""What a person reads in a terminal: consoles that never fold, the live view of a
run, `repro show`, `repro plan`'s output and findings tables. Reads records and plans;
never runs anything. May import `record`, `core`, `spec`, `audits.findings`.
"""
