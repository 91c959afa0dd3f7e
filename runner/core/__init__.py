"""The pure core: what a run will do and how its numbers are judged, with no Docker, no
network and no disk beyond what is passed in. The plan, the rendered Dockerfile, the image's
cache key, the job schedule, metric extraction, claims and statistics, masking of secrets,
and the sandbox and GPU policies. May import `spec`, `record` and `errors` only; tested
exhaustively without a daemon.
"""
