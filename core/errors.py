"""One family of user-facing errors: the UI shows `str(err)` in st.error, the CLI prints it and exits 1."""


class AtelierError(Exception):
    """An error a user can cause or fix; its message is written for that user."""


class BadImageError(AtelierError):
    """An uploaded or ingested file is not an image Atelier can use."""


class EmptyQueryError(AtelierError):
    """A search was asked for with nothing to search by."""


class ModelUnavailableError(AtelierError):
    """Model weights are missing or cannot be loaded."""


class LicenceError(ModelUnavailableError):
    """Commercial-safe mode refuses a model whose licence does not allow commercial use; the message names it."""


class IndexUnavailableError(AtelierError):
    """The vector index is missing, damaged or unreachable."""
