"""
Verification: the claim registry and the methods that check each claim (spec/claims.md).

Each method lives in its own module and reports ``MethodResult``s tagged with the
claims it checks; ``perpspec.verify.runner`` runs them and prints the claim matrix.
"""
