"""The central limit order book: orders, the book, matching and fees (spec/clob.md)."""
