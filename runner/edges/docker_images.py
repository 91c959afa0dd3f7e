"""Images in and out of the engine as `docker save` tar streams (`repro images export` and
`import`). A mixin of `DockerEngine`, kept apart to keep each module small.
"""

from __future__ import annotations

import re
from typing import IO, Any

import docker.errors

from runner.errors import InfraError

CHUNK = 1 << 20


class DockerImages:
    api: Any  # the SDK's low-level client, set by DockerEngine

    def save_images(self, refs: list[str], dest: IO[bytes]) -> None:
        """`docker save REF...` streamed into `dest`, never whole in memory."""
        try:
            # The engine's /images/get takes several names; the SDK's helper only one.
            response = self.api._get(self.api._url("/images/get"), params={"names": refs},
                                     stream=True)
            self.api._raise_for_status(response)
            for chunk in response.iter_content(CHUNK):
                dest.write(chunk)
        except docker.errors.DockerException as exc:
            raise InfraError(f"could not save {', '.join(refs)}: {exc}") from None

    def load_images(self, source: IO[bytes]) -> list[str]:
        """`docker load` from a stream; the names (or ids) the engine says it loaded."""
        try:
            messages = self.api.load_image(source, quiet=True)
            loaded = []
            for message in messages:
                if "error" in message:
                    raise InfraError(f"the engine refused the images: {message['error']}")
                text = str(message.get("stream", ""))
                loaded += re.findall(r"Loaded image(?: ID)?: (\S+)", text)
        except docker.errors.DockerException as exc:
            raise InfraError(f"could not load images: {exc}") from None
        return loaded
