"""Quote extraction helpers: quotation marks, speech cues, speaker resolution."""
