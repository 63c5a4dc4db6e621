"""The formats' own validators, as a partner would run them against our exports."""
