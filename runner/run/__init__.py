"""One run's pipeline: spec -> fetch -> plan -> build or reuse -> jobs in sandboxed
containers -> judge -> record (`pipeline.run_spec`). Edges come in through `context.Edges`
and progress goes out through `observer.RunObserver`, so the batch engine and the tests call
the same `run_spec`. May import `audits`, `edges`, `core`, `record`, `spec`; never a UI.
"""
