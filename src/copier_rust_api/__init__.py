"""copier-rust-api: a Copier template for production Rust APIs, and the `rust-api` CLI."""

from copier_rust_api.release import version

__all__ = ["__version__"]

# Written once, in pyproject.toml.
__version__ = version()
