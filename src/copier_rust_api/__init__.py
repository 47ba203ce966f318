"""copier-rust-api: a Copier template for production Rust APIs, and the `rust-api` CLI."""

__all__ = ["__version__"]

__version__ = "0.1.0"
