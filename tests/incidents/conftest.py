from tests.factories import jpeg_bytes

__all__ = ["jpeg_bytes"]
