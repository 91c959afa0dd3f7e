"""The nightly batch: every spec of a registry run through the ordinary run pipeline, packed
onto one machine's CPUs, memory and GPUs (`local` executor) or spread over a Ray cluster
(`ray` executor), with a journal that survives a kill, a lock in the output folder, a live
table, a summary, and JUnit XML for CI.

Owns: collecting and validating registries (`registry`), the machine's capacity and GPU
assignment (`capacity`), longest-first order (`order`), the journal (`journal`), the lock
that keeps two batches apart (`outlock`), the executor interface and its implementations
(`executor`, `local_exec`, `ray_exec`, `worker`), the scheduler (`scheduler`), one batch from
start to summary (`session`), JUnit (`junit`) and the display (`view`).

May import `report`, `history`, `present`, `run` and below; never `cli` or `onboard`. Each
job is `run.pipeline.run_spec` in a worker process: the batch never copies the pipeline.
"""
