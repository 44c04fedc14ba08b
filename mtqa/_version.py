"""The version, apart from the package root so any module can name it without importing the API."""

__version__ = "0.1.0"
