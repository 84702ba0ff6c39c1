"""The core: the register of claims, the datasets, the parameters, the verdict rules and the evidence from
the public record. Nothing here knows about notebooks being executed or a book being built."""
