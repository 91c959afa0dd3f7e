"""The outside world behind small interfaces: the container engine (`engine` is the
protocol, `docker_engine` the only module that imports the docker SDK), git mirrors and
sources, the data store, fingerprints, base images built from a distribution's packages,
and pip resolution inside a base image. May import `core`, `spec`, `errors`, `settings`;
SDK errors are wrapped here, once, into repro's own.
"""
