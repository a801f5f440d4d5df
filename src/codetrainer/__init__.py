"""codetrainer: practise medical coding (ICD-10-CM, CPT, HCPCS) in the terminal."""

__version__ = "0.1.0"

__all__ = ["__version__"]
