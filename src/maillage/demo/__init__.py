"""The demo: the territory, its platform, its cast of accounts and each app's demo records,
set up by `maillage demo`. At the top of the house: it may import every app, none imports it."""
