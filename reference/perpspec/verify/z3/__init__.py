"""Z3 proofs of the arithmetic claims, over all integers, on the real functions (spec/claims.md, CLAIM-1)."""
