"""The package version (one place: the package, the doctor and the images compare it)."""

__version__ = "0.1.0"
