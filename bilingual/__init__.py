"""bilingual: Chinese→English translation and bilingual publishing for government news."""

__version__ = "0.1.0"
